//! The report as the department states it: metadata, 概况, the facts behind the
//! ten tables, and the further inputs the 情况说明 needs.
//!
//! Only *facts* are stored: leaf figures (项-level functional rows, 款-level economic
//! rows, scalar balances …). Class and 款 rows, totals, shares and changes are
//! derived (crate `juesuan-tables`, crate `juesuan-compose`). A derived value that an
//! input states anyway is kept in [`Report::stated`] and checked, never trusted.

use crate::codes::{EconomicCode, FunctionalCode};
use crate::keys::{Key, Measure, Num};
use crate::money::Money;
use crate::source::SourceRef;
use serde::Serialize;
use std::collections::BTreeMap;

/// Everything a department provides for one year's report.
#[derive(Clone, Debug, Default, Serialize)]
pub struct Report {
    /// Who, when, which template.
    pub meta: Meta,
    /// 第一部分 概况.
    pub overview: Overview,
    /// The facts behind the tables.
    pub facts: Facts,
    /// Inputs of the 情况说明 beyond the tables.
    pub narrative: NarrativeInputs,
    /// 项目支出绩效自评分析报告 (第五部分), in the order printed.
    pub projects: Vec<crate::perf::Project>,
    /// Derived values that the input states anyway; rules compare them with the derivation.
    pub stated: Vec<Stated>,
}

/// Who, when, which template.
#[derive(Clone, Debug, Default, Serialize)]
pub struct Meta {
    /// 部门名称, e.g. 晋城市市场监督管理局.
    pub department: String,
    /// 决算年度.
    pub year: i32,
    /// Profile id, e.g. `shanxi-2022`.
    pub profile: String,
    /// Report title; the profile's default when absent.
    pub title: Option<String>,
    /// 部门编码 (e.g. 065), when given.
    pub department_code: Option<String>,
    /// Where the metadata came from.
    pub source: SourceRef,
    /// Where each metadata field was written (`department`, `year`, `title`,
    /// `department_code`), for messages about it.
    #[serde(skip)]
    pub sources: BTreeMap<String, SourceRef>,
}

/// Kinds of unit (单位性质) in a department's report.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
pub enum UnitKind {
    /// 行政单位
    Administrative,
    /// 参照公务员法管理事业单位
    CivilServiceManaged,
    /// 全额拨款事业单位
    FullyFunded,
    /// 差额拨款事业单位
    PartiallyFunded,
    /// 自收自支事业单位
    SelfFinanced,
    /// 其他
    Other,
}

impl UnitKind {
    /// All kinds in the order the 概况 lists them.
    pub const ALL: [UnitKind; 6] = [
        UnitKind::Administrative,
        UnitKind::CivilServiceManaged,
        UnitKind::FullyFunded,
        UnitKind::PartiallyFunded,
        UnitKind::SelfFinanced,
        UnitKind::Other,
    ];

    /// The name used in input files and the 概况 (`行政单位`, `全额事业单位` …).
    pub fn label(self) -> &'static str {
        match self {
            UnitKind::Administrative => "行政单位",
            UnitKind::CivilServiceManaged => "参照公务员法管理事业单位",
            UnitKind::FullyFunded => "全额事业单位",
            UnitKind::PartiallyFunded => "差额事业单位",
            UnitKind::SelfFinanced => "自收自支单位",
            UnitKind::Other => "其他单位",
        }
    }

    /// Parses the label or a common variant (`全额拨款事业单位`, `参公单位` …).
    pub fn from_label(s: &str) -> Option<UnitKind> {
        Some(match s.trim() {
            "行政单位" => UnitKind::Administrative,
            "参照公务员法管理事业单位" | "参公单位" | "参公事业单位" => {
                UnitKind::CivilServiceManaged
            }
            "全额事业单位" | "全额拨款事业单位" => UnitKind::FullyFunded,
            "差额事业单位" | "差额拨款事业单位" => UnitKind::PartiallyFunded,
            "自收自支单位" | "自收自支事业单位" => UnitKind::SelfFinanced,
            "其他单位" | "其他" => UnitKind::Other,
            _ => return None,
        })
    }

    /// Whether its 公用经费 counts as 机关运行经费 (行政单位 and 参公事业单位 only).
    pub fn counts_as_organ(self) -> bool {
        matches!(
            self,
            UnitKind::Administrative | UnitKind::CivilServiceManaged
        )
    }
}

/// One unit (单位) covered by the report.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct OrgUnit {
    /// 单位名称
    pub name: String,
    /// 单位性质
    pub kind: UnitKind,
}

/// 第一部分 概况.
#[derive(Clone, Debug, Default, Serialize)]
pub struct Overview {
    /// 本部门（单位）职责: paragraphs as written.
    pub duties: Vec<String>,
    /// Units covered by the report.
    pub units: Vec<OrgUnit>,
    /// 内设机构, in order.
    pub offices: Vec<String>,
}

/// The leaf facts behind the ten tables.
#[derive(Clone, Debug, Default, Serialize)]
pub struct Facts {
    /// Leaf (项) rows by functional code: input measures only (`inc.*`, `gpb.*`,
    /// `gf.*`, `soc.*`, `nf.*`).
    pub functional: BTreeMap<FunctionalCode, BTreeMap<Measure, Money>>,
    /// Names of functional codes as the input gives them (rows of any level).
    pub functional_names: BTreeMap<FunctionalCode, String>,
    /// Economic 款 rows of 公开06表: 金额 and 其中：基本支出.
    pub economic: BTreeMap<EconomicCode, EconFacts>,
    /// Names of economic codes as the input gives them.
    pub economic_names: BTreeMap<EconomicCode, String>,
    /// Whole-department inputs (balances, 三公 budget, procurement, vehicles …).
    pub scalars: BTreeMap<Measure, Num>,
    /// Where each input figure came from.
    #[serde(skip)]
    pub sources: BTreeMap<Key, SourceRef>,
}

/// One economic 款 of 公开06表.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize)]
pub struct EconFacts {
    /// 金额
    pub amount: Money,
    /// 其中：基本支出
    pub basic: Money,
}

/// A derived value the input states; checked against the derivation by rule `IN-DERIVED`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Stated {
    /// Which figure.
    pub key: Key,
    /// The value stated.
    pub value: Num,
    /// Where.
    pub source: SourceRef,
}

/// Inputs of the 情况说明 that the tables do not hold.
#[derive(Clone, Debug, Default, Serialize)]
pub struct NarrativeInputs {
    /// Last year's (上年) figures by key, e.g. `grand.income`, `gpb.total@201`.
    pub last_year: BTreeMap<Key, Num>,
    /// 年初预算 by key, e.g. `gpb.total`, `gpb.total@201`.
    pub initial_budget: BTreeMap<Key, Money>,
    /// Texts by the ids the profile declares: reasons (主要原因), uses (用于…), purposes.
    pub texts: BTreeMap<String, String>,
    /// Counts by the ids the profile declares: 三公 批次/人次, 车辆 …
    pub counts: BTreeMap<String, i64>,
    /// Further amounts by the ids the profile declares (e.g. 国内接待费).
    pub amounts: BTreeMap<String, Money>,
    /// Scores by the ids the profile declares (e.g. 部门整体支出绩效自评得分).
    pub scores: BTreeMap<String, crate::perf::Points>,
    /// Lists by the ids the profile declares (e.g. the projects summarized in 十（四）, in order).
    pub lists: BTreeMap<String, Vec<String>>,
    /// Where each narrative input came from, by its id (`last_year.grand.income`, `texts.一`).
    #[serde(skip)]
    pub sources: BTreeMap<String, SourceRef>,
    /// Where each input the form asks for is to be entered, given or left blank,
    /// by the same ids (a workbook's cell; the text form has no such places): a
    /// missing input is named by the cell that awaits it.
    #[serde(skip)]
    pub slots: BTreeMap<String, SourceRef>,
}
