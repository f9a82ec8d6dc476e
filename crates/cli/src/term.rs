//! Standard output and standard error, written without ever panicking.
//!
//! The only place the program writes to the terminal (`print!`/`eprintln!` are
//! denied elsewhere by `clippy::print_stdout`/`print_stderr`; they panic when the
//! write fails).
//!
//! - Standard output closed by the reader (`juesuan check … | head -1`): the rest
//!   of the output is dropped quietly and the command ends with the exit status it
//!   would have had otherwise, as other Unix tools do.
//! - Any other failure to write standard output (`> /dev/full`): a Chinese message
//!   on standard error and exit code 2.
//! - Standard error: failures are ignored (there is nowhere left to report them).

use crate::output::io_message;
use std::io::{ErrorKind, Write as _};
use std::process::ExitCode;
use std::sync::atomic::{AtomicBool, Ordering};

/// Set once standard output cannot take more: later output is dropped.
static STDOUT_GONE: AtomicBool = AtomicBool::new(false);

/// Writes `s` to standard output and flushes it. `Err` carries the exit code
/// (2) after a message was printed; a closed pipe is `Ok` (quietly dropped).
pub fn out(s: &str) -> Result<(), ExitCode> {
    if STDOUT_GONE.load(Ordering::SeqCst) {
        return Ok(());
    }
    let s = styled(s, &COLOUR_OUT);
    let mut o = std::io::stdout().lock();
    match o.write_all(s.as_bytes()).and_then(|()| o.flush()) {
        Ok(()) => Ok(()),
        Err(e) => {
            STDOUT_GONE.store(true, Ordering::SeqCst);
            if e.kind() == ErrorKind::BrokenPipe {
                Ok(())
            } else {
                errln(&format!("错误：无法写入标准输出：{}", io_message(&e)));
                Err(ExitCode::from(2))
            }
        }
    }
}

/// [`out`] with a newline.
pub fn outln(s: &str) -> Result<(), ExitCode> {
    out(&format!("{s}\n"))
}

/// Writes `s` to standard error; a failure is ignored.
pub fn err(s: &str) {
    let s = styled(s, &COLOUR_ERR);
    let mut e = std::io::stderr().lock();
    let _ = e.write_all(s.as_bytes()).and_then(|()| e.flush());
}

/// [`err`] with a newline.
pub fn errln(s: &str) {
    err(&format!("{s}\n"));
}

/// `--color`: when severities are coloured.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum ColorWhen {
    // Not `///`: clap would print these as the values' help.
    // On a terminal, unless `NO_COLOR` is set (to anything but empty) or `TERM=dumb`.
    Auto,
    // Always (into a pipe too, e.g. for `less -R`).
    Always,
    // Never.
    Never,
}

/// Whether standard output / standard error are coloured.
static COLOUR_OUT: AtomicBool = AtomicBool::new(false);
static COLOUR_ERR: AtomicBool = AtomicBool::new(false);
/// `-q`: notes (summaries, progress, “已生成于”) are not written.
static QUIET: AtomicBool = AtomicBool::new(false);
/// `-v`: “提示” findings are listed too, and what the tools chose (fonts…).
static VERBOSE: AtomicBool = AtomicBool::new(false);

/// Sets the output style from the global options.
pub fn setup(color: ColorWhen, quiet: bool, verbose: bool) {
    use std::io::IsTerminal;
    let allowed = std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty())
        && std::env::var_os("TERM").is_none_or(|t| t != "dumb");
    let (o, e) = match color {
        ColorWhen::Always => (true, true),
        ColorWhen::Never => (false, false),
        ColorWhen::Auto => (
            allowed && std::io::stdout().is_terminal(),
            allowed && std::io::stderr().is_terminal(),
        ),
    };
    COLOUR_OUT.store(o, Ordering::SeqCst);
    COLOUR_ERR.store(e, Ordering::SeqCst);
    QUIET.store(quiet, Ordering::SeqCst);
    VERBOSE.store(verbose, Ordering::SeqCst);
}

/// `-q` was given.
pub fn quiet() -> bool {
    QUIET.load(Ordering::SeqCst)
}

/// `-v` was given.
pub fn verbose() -> bool {
    VERBOSE.load(Ordering::SeqCst)
}

/// A note on standard output (a summary, where the files went): not with `-q`.
pub fn note(s: &str) -> Result<(), ExitCode> {
    if quiet() { Ok(()) } else { outln(s) }
}

/// A note on standard error (progress, what was chosen): not with `-q`.
pub fn note_err(s: &str) {
    if !quiet() {
        errln(s);
    }
}

/// The severity at the head of a line (`错误 [T-ROWSUM] …`, `警告：…`) in its colour:
/// red, yellow, dim. Everything else as it is.
fn paint(s: &str) -> String {
    const STYLES: [(&str, &str); 3] = [("错误", "1;31"), ("警告", "1;33"), ("提示", "2")];
    let mut out = String::with_capacity(s.len() + 16);
    for line in s.split_inclusive('\n') {
        let styled = STYLES.iter().find_map(|(label, code)| {
            let rest = line.strip_prefix(label)?;
            (rest.starts_with(" [") || rest.starts_with('：'))
                .then(|| format!("\u{1b}[{code}m{label}\u{1b}[0m{rest}"))
        });
        match styled {
            Some(l) => out.push_str(&l),
            None => out.push_str(line),
        }
    }
    out
}

/// `s` as it goes to the stream whose colour flag is `colour`.
fn styled<'a>(s: &'a str, colour: &AtomicBool) -> std::borrow::Cow<'a, str> {
    if colour.load(Ordering::SeqCst) {
        std::borrow::Cow::Owned(paint(s))
    } else {
        std::borrow::Cow::Borrowed(s)
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn only_a_severity_at_the_head_of_a_line_is_painted() {
        let s = "错误 [T-ROWSUM] 公开01表\n  错误在此\n警告：x\n提示 [A] y\n错误的说法\n";
        assert_eq!(
            super::paint(s),
            "\u{1b}[1;31m错误\u{1b}[0m [T-ROWSUM] 公开01表\n  错误在此\n\u{1b}[1;33m警告\u{1b}[0m：x\n\u{1b}[2m提示\u{1b}[0m [A] y\n错误的说法\n"
        );
    }
}
