//! `init` and `convert`: the workbook form, empty or filled, and the way back to
//! a text directory.

use crate::output::{DirMode, Inputs, check_dir, write_dir, write_files};
use crate::{Outcome, fail, term};
use juesuan_engine::{Failure, is_workbook, read_input};
use std::path::Path;
use std::process::ExitCode;

/// Writes one file through [`write_files`] (only a regular file that is no input
/// is replaced, atomically), refusing to replace an existing one unless `force`.
fn write_file(path: &Path, bytes: Vec<u8>, force: bool, inputs: &Inputs) -> Result<(), Failure> {
    if std::fs::symlink_metadata(path).is_ok() && !force {
        return Err(Failure::Other(format!(
            "{} 已存在：为免覆盖已填写的内容，未写入。换一个文件名，或加 --force 覆盖",
            path.display()
        )));
    }
    write_files(&[(path.to_path_buf(), bytes)], inputs).map_err(Failure::Other)
}

fn xlsx_name(path: &Path) -> Result<(), Failure> {
    let ext = path
        .extension()
        .map(|e| e.to_string_lossy().to_lowercase())
        .unwrap_or_default();
    if ext == "xlsx" {
        Ok(())
    } else {
        Err(Failure::Other(format!(
            "输出文件 {} 应以 .xlsx 结尾",
            path.display()
        )))
    }
}

/// `juesuan init --xlsx FILE --profile ID --department NAME --year YEAR`.
pub fn init(path: &Path, profile: &str, department: &str, year: i32, force: bool) -> Outcome {
    let run = || -> Result<String, Failure> {
        xlsx_name(path)?;
        let profile =
            juesuan_profile::builtin(profile).map_err(|e| Failure::Other(e.to_string()))?;
        let department = department.trim();
        if department.is_empty() {
            return Err(Failure::Other(
                "部门名称不能为空（--department）".to_string(),
            ));
        }
        if !(1949..=2200).contains(&year) {
            return Err(Failure::Other(format!(
                "决算年度 {year} 不是有效的年份（--year）"
            )));
        }
        let report = juesuan_xlsx::form::empty_report(profile, department, year);
        let bytes = juesuan_xlsx::form::form(&report, profile)
            .map_err(|e| Failure::Other(e.to_string()))?;
        write_file(path, bytes, force, &Inputs::none())?;
        Ok(format!(
            "已生成填报工作簿 {}（模板 {}，{department} {year} 年度）。\n只填浅黄色单元格（浅蓝色是公式）；填好后运行：juesuan check {}",
            path.display(),
            profile.id,
            path.display()
        ))
    };
    let m = run().map_err(fail)?;
    term::note(&m)?;
    Ok(ExitCode::SUCCESS)
}

/// `juesuan convert INPUT -o OUTPUT`: text directory → workbook, or back.
pub fn convert(input: &Path, output: &Path, force: bool) -> Outcome {
    let run = || -> Result<String, Failure> {
        let workbook = is_workbook(input);
        // What cannot be written is said before the input is read.
        if workbook {
            check_dir(output, DirMode::NewOrEmpty).map_err(Failure::Other)?;
        } else {
            xlsx_name(output)?;
        }
        let (report, profile) = read_input(input)?;
        let inputs = Inputs::of(&[input]);
        if workbook {
            let dir = juesuan_ingest::write_text_dir(&report)
                .map_err(|e| Failure::Other(format!("无法生成文本目录：{e}")))?;
            write_dir(output, &dir.files, &inputs, DirMode::NewOrEmpty).map_err(Failure::Other)?;
            let mut m = format!(
                "已把 {} 转换为文本目录 {}（{} 个文件）",
                input.display(),
                output.display(),
                dir.files.len()
            );
            if !dir.dropped.is_empty() {
                m.push_str("\n注意：以下填在计算单元格中的核对值在文本目录中无处可写，已略去（它们只用于核对，不影响报告）：");
                for s in &dir.dropped {
                    m.push_str(&format!(
                        "\n  {}：{} = {}",
                        s.source,
                        s.key.describe(),
                        s.value.display()
                    ));
                }
            }
            Ok(m)
        } else {
            let bytes = juesuan_xlsx::form::form(&report, profile)
                .map_err(|e| Failure::Other(e.to_string()))?;
            write_file(output, bytes, force, &inputs)?;
            Ok(format!(
                "已把 {} 转换为填报工作簿 {}",
                input.display(),
                output.display()
            ))
        }
    };
    let m = run().map_err(fail)?;
    term::note(&m)?;
    Ok(ExitCode::SUCCESS)
}
