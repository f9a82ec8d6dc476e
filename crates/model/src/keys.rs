//! Named quantities ("figures"): what a table cell *means*.
//!
//! Every number in a report is a [`Key`]: a [`Measure`] (本年收入合计, 基本支出,
//! 公务接待费决算数 …) over a [`Scope`] (the whole department, one functional code,
//! one economic code, 人员经费/公用经费). Two cells in different tables that carry the
//! same key are the same figure and must agree — that one fact replaces a long list
//! of hand-written cross-table checks (02 合计 = 01 行27, 04 一般公共预算 by 类 = 05 …).
//! Profiles bind table cells to keys by [`Measure::name`].

use crate::codes::{EconomicCode, FunctionalCode};
use crate::money::Money;
use serde::{Serialize, Serializer};
use std::fmt;

/// Whether a measure counts money or things (vehicles, equipment, people).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum NumKind {
    /// An amount in fen.
    Money,
    /// A count.
    Count,
}

/// What a measure can be scoped by.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Domain {
    /// By 支出功能分类 code (or the whole department).
    Functional,
    /// By 经济分类 code, by 人员经费/公用经费 group, or the whole department.
    Economic,
    /// One figure for the whole department.
    Scalar,
}

macro_rules! measures {
    ($( $(#[$doc:meta])* $variant:ident = $name:literal, $label:literal, $kind:ident, $dom:ident; )*) => {
        /// Every kind of figure the model knows. See the module documentation.
        #[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
        pub enum Measure {
            $( $(#[$doc])* $variant, )*
        }

        impl Measure {
            /// All measures, in declaration order.
            pub const ALL: &'static [Measure] = &[ $(Measure::$variant,)* ];

            /// Stable machine name, used in profiles and input files (`exp.basic`).
            pub fn name(self) -> &'static str {
                match self { $(Measure::$variant => $name,)* }
            }

            /// Chinese label as printed in the official tables.
            pub fn label(self) -> &'static str {
                match self { $(Measure::$variant => $label,)* }
            }

            /// Money or count.
            pub fn kind(self) -> NumKind {
                match self { $(Measure::$variant => NumKind::$kind,)* }
            }

            /// What it can be scoped by.
            pub fn domain(self) -> Domain {
                match self { $(Measure::$variant => Domain::$dom,)* }
            }

            /// The measure with this machine name.
            pub fn from_name(s: &str) -> Option<Measure> {
                match s { $($name => Some(Measure::$variant),)* _ => None }
            }
        }
    };
}

measures! {
    // 收入 by functional code (公开02表)
    /// 财政拨款收入 (all three fund types)
    IncFiscal = "inc.fiscal", "财政拨款收入", Money, Functional;
    /// 上级补助收入
    IncSuperior = "inc.superior", "上级补助收入", Money, Functional;
    /// 事业收入
    IncBusiness = "inc.business", "事业收入", Money, Functional;
    /// 经营收入
    IncOperating = "inc.operating", "经营收入", Money, Functional;
    /// 附属单位上缴收入
    IncAffiliated = "inc.affiliated", "附属单位上缴收入", Money, Functional;
    /// 其他收入
    IncOther = "inc.other", "其他收入", Money, Functional;
    /// 本年收入合计 = the six sources
    IncTotal = "inc.total", "本年收入合计", Money, Functional;

    // 支出 from all sources by functional code (公开03表)
    /// 基本支出
    ExpBasic = "exp.basic", "基本支出", Money, Functional;
    /// 项目支出
    ExpProject = "exp.project", "项目支出", Money, Functional;
    /// 上缴上级支出
    ExpUpper = "exp.upper", "上缴上级支出", Money, Functional;
    /// 经营支出
    ExpOperating = "exp.operating", "经营支出", Money, Functional;
    /// 对附属单位补助支出
    ExpSubsidiary = "exp.subsidiary", "对附属单位补助支出", Money, Functional;
    /// 本年支出合计 = the five kinds
    ExpTotal = "exp.total", "本年支出合计", Money, Functional;

    // 一般公共预算财政拨款支出 (公开05表)
    /// 一般公共预算财政拨款基本支出
    GpbBasic = "gpb.basic", "一般公共预算财政拨款基本支出", Money, Functional;
    /// 一般公共预算财政拨款项目支出
    GpbProject = "gpb.project", "一般公共预算财政拨款项目支出", Money, Functional;
    /// 一般公共预算财政拨款支出 = 基本 + 项目
    GpbTotal = "gpb.total", "一般公共预算财政拨款支出", Money, Functional;

    // 政府性基金预算财政拨款 (公开08表)
    /// 政府性基金预算财政拨款年初结转和结余
    GfCarryIn = "gf.carry_in", "政府性基金预算财政拨款年初结转和结余", Money, Functional;
    /// 政府性基金预算财政拨款本年收入
    GfIncome = "gf.income", "政府性基金预算财政拨款本年收入", Money, Functional;
    /// 政府性基金预算财政拨款基本支出
    GfBasic = "gf.basic", "政府性基金预算财政拨款基本支出", Money, Functional;
    /// 政府性基金预算财政拨款项目支出
    GfProject = "gf.project", "政府性基金预算财政拨款项目支出", Money, Functional;
    /// 政府性基金预算财政拨款支出 = 基本 + 项目
    GfTotal = "gf.total", "政府性基金预算财政拨款支出", Money, Functional;
    /// 政府性基金预算财政拨款年末结转和结余
    GfCarryOut = "gf.carry_out", "政府性基金预算财政拨款年末结转和结余", Money, Functional;

    // 国有资本经营预算财政拨款 (公开09表)
    /// 国有资本经营预算财政拨款基本支出
    SocBasic = "soc.basic", "国有资本经营预算财政拨款基本支出", Money, Functional;
    /// 国有资本经营预算财政拨款项目支出
    SocProject = "soc.project", "国有资本经营预算财政拨款项目支出", Money, Functional;
    /// 国有资本经营预算财政拨款支出 = 基本 + 项目
    SocTotal = "soc.total", "国有资本经营预算财政拨款支出", Money, Functional;
    // Templates whose 国有资本经营 table is a 收入支出 table (上海 2024 表九) also
    // show its balances and income by functional code, as 公开08表 does for 政府性基金.
    /// 国有资本经营预算财政拨款年初结转和结余
    SocCarryIn = "soc.carry_in", "国有资本经营预算财政拨款年初结转和结余", Money, Functional;
    /// 国有资本经营预算财政拨款本年收入
    SocIncome = "soc.income", "国有资本经营预算财政拨款本年收入", Money, Functional;
    /// 国有资本经营预算财政拨款年末结转和结余
    SocCarryOut = "soc.carry_out", "国有资本经营预算财政拨款年末结转和结余", Money, Functional;

    /// 财政拨款支出合计 = 一般公共预算 + 政府性基金 + 国有资本经营 (公开04表 合计栏)
    FiscalTotal = "fiscal.total", "财政拨款支出合计", Money, Functional;

    // 非财政拨款支出: input facts only; 公开03表 = fiscal + these
    /// 非财政拨款基本支出
    NfBasic = "nf.basic", "非财政拨款基本支出", Money, Functional;
    /// 非财政拨款项目支出
    NfProject = "nf.project", "非财政拨款项目支出", Money, Functional;
    /// 上缴上级支出 (always non-fiscal)
    NfUpper = "nf.upper", "非财政拨款上缴上级支出", Money, Functional;
    /// 经营支出 (always non-fiscal)
    NfOperating = "nf.operating", "非财政拨款经营支出", Money, Functional;
    /// 对附属单位补助支出 (non-fiscal)
    NfSubsidiary = "nf.subsidiary", "非财政拨款对附属单位补助支出", Money, Functional;

    // Whole-department figures of 公开01表 and 公开04表
    /// 一般公共预算财政拨款收入
    IncGpbFund = "inc.gpb_fund", "一般公共预算财政拨款收入", Money, Scalar;
    /// 政府性基金预算财政拨款收入
    IncGfFund = "inc.gf_fund", "政府性基金预算财政拨款收入", Money, Scalar;
    /// 国有资本经营预算财政拨款收入
    IncSocFund = "inc.soc_fund", "国有资本经营预算财政拨款收入", Money, Scalar;
    /// 使用非财政拨款结余
    NonfiscalUsed = "bal.nonfiscal_used", "使用非财政拨款结余", Money, Scalar;
    /// 年初结转和结余 (all funds)
    CarryIn = "bal.carry_in", "年初结转和结余", Money, Scalar;
    /// 结余分配
    Distribution = "bal.distribution", "结余分配", Money, Scalar;
    /// 年末结转和结余 (all funds)
    CarryOut = "bal.carry_out", "年末结转和结余", Money, Scalar;
    /// 收入总计 (公开01表)
    IncomeGrand = "grand.income", "收入总计", Money, Scalar;
    /// 支出总计 (公开01表)
    ExpGrand = "grand.exp", "支出总计", Money, Scalar;
    /// 年初财政拨款结转和结余：一般公共预算
    FbalInGpb = "fbal.in.gpb", "年初一般公共预算财政拨款结转和结余", Money, Scalar;
    /// 年初财政拨款结转和结余：政府性基金
    FbalInGf = "fbal.in.gf", "年初政府性基金预算财政拨款结转和结余", Money, Scalar;
    /// 年初财政拨款结转和结余：国有资本经营
    FbalInSoc = "fbal.in.soc", "年初国有资本经营预算财政拨款结转和结余", Money, Scalar;
    /// 年初财政拨款结转和结余 (three funds)
    FbalInTotal = "fbal.in.total", "年初财政拨款结转和结余", Money, Scalar;
    /// 年末财政拨款结转和结余：一般公共预算
    FbalOutGpb = "fbal.out.gpb", "年末一般公共预算财政拨款结转和结余", Money, Scalar;
    /// 年末财政拨款结转和结余：政府性基金
    FbalOutGf = "fbal.out.gf", "年末政府性基金预算财政拨款结转和结余", Money, Scalar;
    /// 年末财政拨款结转和结余：国有资本经营
    FbalOutSoc = "fbal.out.soc", "年末国有资本经营预算财政拨款结转和结余", Money, Scalar;
    /// 年末财政拨款结转和结余 (three funds)
    FbalOutTotal = "fbal.out.total", "年末财政拨款结转和结余", Money, Scalar;
    /// 财政拨款本年收入合计 (公开04表 行27)
    FiscalIncome = "fiscal.income", "财政拨款本年收入合计", Money, Scalar;
    /// 财政拨款收入总计 (公开04表 行32)
    FiscalIncomeGrand = "fiscal.income_grand", "财政拨款收入总计", Money, Scalar;
    /// 财政拨款支出总计 (公开04表 行64 合计栏)
    FiscalGrand = "fiscal.grand", "财政拨款支出总计", Money, Scalar;
    /// 一般公共预算财政拨款支出总计 (行64)
    GpbGrand = "gpb.grand", "一般公共预算财政拨款支出总计", Money, Scalar;
    /// 政府性基金预算财政拨款支出总计 (行64)
    GfGrand = "gf.grand", "政府性基金预算财政拨款支出总计", Money, Scalar;
    /// 国有资本经营预算财政拨款支出总计 (行64)
    SocGrand = "soc.grand", "国有资本经营预算财政拨款支出总计", Money, Scalar;

    // 部门支出经济分类 (公开06表)
    /// 金额
    EconAmount = "econ.amount", "金额", Money, Economic;
    /// 其中：基本支出
    EconBasic = "econ.basic", "其中：基本支出", Money, Economic;

    // “三公”经费 (公开07表)
    /// 三公经费预算数：合计
    SgBudgetTotal = "sg.budget.total", "“三公”经费预算数合计", Money, Scalar;
    /// 预算数：因公出国（境）费
    SgBudgetAbroad = "sg.budget.abroad", "因公出国（境）费预算数", Money, Scalar;
    /// 预算数：公务用车购置及运行维护费小计
    SgBudgetVehicle = "sg.budget.vehicle", "公务用车购置及运行维护费预算数", Money, Scalar;
    /// 预算数：公务用车购置费
    SgBudgetVehiclePurchase = "sg.budget.vehicle_purchase", "公务用车购置费预算数", Money, Scalar;
    /// 预算数：公务用车运行维护费
    SgBudgetVehicleRunning = "sg.budget.vehicle_running", "公务用车运行维护费预算数", Money, Scalar;
    /// 预算数：公务接待费
    SgBudgetReception = "sg.budget.reception", "公务接待费预算数", Money, Scalar;
    /// 决算数：合计
    SgActualTotal = "sg.actual.total", "“三公”经费决算数合计", Money, Scalar;
    /// 决算数：因公出国（境）费
    SgActualAbroad = "sg.actual.abroad", "因公出国（境）费决算数", Money, Scalar;
    /// 决算数：公务用车购置及运行维护费小计
    SgActualVehicle = "sg.actual.vehicle", "公务用车购置及运行维护费决算数", Money, Scalar;
    /// 决算数：公务用车购置费
    SgActualVehiclePurchase = "sg.actual.vehicle_purchase", "公务用车购置费决算数", Money, Scalar;
    /// 决算数：公务用车运行维护费
    SgActualVehicleRunning = "sg.actual.vehicle_running", "公务用车运行维护费决算数", Money, Scalar;
    /// 决算数：公务接待费
    SgActualReception = "sg.actual.reception", "公务接待费决算数", Money, Scalar;

    // 部门决算公开相关信息统计表 (公开10表)
    /// 政府采购：合计
    ProcTotal = "proc.total", "政府采购合计", Money, Scalar;
    /// 政府采购：货物
    ProcGoods = "proc.goods", "政府采购货物", Money, Scalar;
    /// 政府采购：工程
    ProcWorks = "proc.works", "政府采购工程", Money, Scalar;
    /// 政府采购：服务
    ProcServices = "proc.services", "政府采购服务", Money, Scalar;
    /// 授予中小企业合同金额
    ProcSme = "proc.sme", "授予中小企业合同金额", Money, Scalar;
    /// 其中：授予小微企业合同金额
    ProcSmallMicro = "proc.small_micro", "授予小微企业合同金额", Money, Scalar;
    /// 机关运行经费：行政单位
    OrcAdmin = "orc.admin", "机关运行经费（行政单位）", Money, Scalar;
    /// 机关运行经费：参照公务员法管理事业单位
    OrcCivil = "orc.civil", "机关运行经费（参照公务员法管理事业单位）", Money, Scalar;
    /// 机关运行经费 = 行政单位 + 参公事业单位
    OrcTotal = "orc.total", "机关运行经费", Money, Scalar;
    /// 车辆数合计（辆）
    VehTotal = "veh.total", "车辆数合计", Count, Scalar;
    /// 副部（省）级及以上领导用车
    VehMinisterial = "veh.ministerial", "副部（省）级及以上领导用车", Count, Scalar;
    /// 主要领导干部用车
    VehLeader = "veh.leader", "主要领导干部用车", Count, Scalar;
    /// 机要通信用车
    VehConfidential = "veh.confidential", "机要通信用车", Count, Scalar;
    /// 应急保障用车
    VehEmergency = "veh.emergency", "应急保障用车", Count, Scalar;
    /// 执法执勤用车
    VehLaw = "veh.law", "执法执勤用车", Count, Scalar;
    /// 特种专业技术用车
    VehSpecial = "veh.special", "特种专业技术用车", Count, Scalar;
    /// 离退休干部用车
    VehRetired = "veh.retired", "离退休干部用车", Count, Scalar;
    /// 其他用车
    VehOther = "veh.other", "其他用车", Count, Scalar;
    /// 单价100万元（含）以上设备（不含车辆）
    EquipCount = "equip.count", "单价100万元（含）以上设备", Count, Scalar;
}

impl Serialize for Measure {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.name())
    }
}

/// Where expenditure money comes from (资金来源): the three kinds of 财政拨款 and the rest.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Fund {
    /// 一般公共预算财政拨款
    GeneralPublicBudget,
    /// 政府性基金预算财政拨款
    GovernmentFund,
    /// 国有资本经营预算财政拨款
    StateCapital,
    /// 非财政拨款 (上级补助、事业、经营、附属单位上缴、其他收入与结余)
    NonFiscal,
}

/// Kinds of expenditure (支出性质), the columns of 公开03表.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum ExpKind {
    /// 基本支出
    Basic,
    /// 项目支出
    Project,
    /// 上缴上级支出
    RemitUpper,
    /// 经营支出
    Operating,
    /// 对附属单位补助支出
    SubsidiaryGrant,
}

impl Fund {
    /// All funds.
    pub const ALL: [Fund; 4] = [
        Fund::GeneralPublicBudget,
        Fund::GovernmentFund,
        Fund::StateCapital,
        Fund::NonFiscal,
    ];

    /// Chinese name.
    pub fn label(self) -> &'static str {
        match self {
            Fund::GeneralPublicBudget => "一般公共预算财政拨款",
            Fund::GovernmentFund => "政府性基金预算财政拨款",
            Fund::StateCapital => "国有资本经营预算财政拨款",
            Fund::NonFiscal => "非财政拨款",
        }
    }

    /// The measure of this fund's expenditure of a kind, if the fund can spend that
    /// way (财政拨款 is spent only as 基本 or 项目 支出).
    pub fn measure(self, kind: ExpKind) -> Option<Measure> {
        use ExpKind::*;
        use Measure::*;
        Some(match (self, kind) {
            (Fund::GeneralPublicBudget, Basic) => GpbBasic,
            (Fund::GeneralPublicBudget, Project) => GpbProject,
            (Fund::GovernmentFund, Basic) => GfBasic,
            (Fund::GovernmentFund, Project) => GfProject,
            (Fund::StateCapital, Basic) => SocBasic,
            (Fund::StateCapital, Project) => SocProject,
            (Fund::NonFiscal, Basic) => NfBasic,
            (Fund::NonFiscal, Project) => NfProject,
            (Fund::NonFiscal, RemitUpper) => NfUpper,
            (Fund::NonFiscal, Operating) => NfOperating,
            (Fund::NonFiscal, SubsidiaryGrant) => NfSubsidiary,
            _ => return None,
        })
    }

    /// The measure of this fund's total expenditure, for the three 财政拨款 funds.
    pub fn total(self) -> Option<Measure> {
        match self {
            Fund::GeneralPublicBudget => Some(Measure::GpbTotal),
            Fund::GovernmentFund => Some(Measure::GfTotal),
            Fund::StateCapital => Some(Measure::SocTotal),
            Fund::NonFiscal => None,
        }
    }
}

impl ExpKind {
    /// All kinds, in the column order of 公开03表.
    pub const ALL: [ExpKind; 5] = [
        ExpKind::Basic,
        ExpKind::Project,
        ExpKind::RemitUpper,
        ExpKind::Operating,
        ExpKind::SubsidiaryGrant,
    ];

    /// Chinese name.
    pub fn label(self) -> &'static str {
        match self {
            ExpKind::Basic => "基本支出",
            ExpKind::Project => "项目支出",
            ExpKind::RemitUpper => "上缴上级支出",
            ExpKind::Operating => "经营支出",
            ExpKind::SubsidiaryGrant => "对附属单位补助支出",
        }
    }

    /// The all-funds measure of this kind (公开03表's column).
    pub fn total(self) -> Measure {
        match self {
            ExpKind::Basic => Measure::ExpBasic,
            ExpKind::Project => Measure::ExpProject,
            ExpKind::RemitUpper => Measure::ExpUpper,
            ExpKind::Operating => Measure::ExpOperating,
            ExpKind::SubsidiaryGrant => Measure::ExpSubsidiary,
        }
    }
}

/// 人员经费 or 公用经费: the two groups of 公开06表.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
pub enum EconGroup {
    /// 人员经费 (301 + 303)
    Personnel,
    /// 公用经费 (all other classes)
    Public,
}

impl EconGroup {
    /// 人员经费 / 公用经费
    pub fn label(self) -> &'static str {
        match self {
            EconGroup::Personnel => "人员经费",
            EconGroup::Public => "公用经费",
        }
    }

    /// Parses `personnel` / `public`.
    pub fn from_name(s: &str) -> Option<EconGroup> {
        match s {
            "personnel" => Some(EconGroup::Personnel),
            "public" => Some(EconGroup::Public),
            _ => None,
        }
    }

    /// `personnel` / `public`.
    pub fn name(self) -> &'static str {
        match self {
            EconGroup::Personnel => "personnel",
            EconGroup::Public => "public",
        }
    }
}

/// What part of the department a figure covers.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Scope {
    /// The whole department (合计).
    All,
    /// One functional 类, 款 or 项.
    Fn(FunctionalCode),
    /// One economic 类 or 款.
    Econ(EconomicCode),
    /// 人员经费 or 公用经费.
    Group(EconGroup),
}

/// A figure: a measure over a scope.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Key {
    /// What is measured.
    pub measure: Measure,
    /// Over what.
    pub scope: Scope,
}

impl Key {
    /// The measure over the whole department.
    pub fn all(measure: Measure) -> Key {
        Key {
            measure,
            scope: Scope::All,
        }
    }

    /// The measure for one functional code.
    pub fn func(measure: Measure, code: &FunctionalCode) -> Key {
        Key {
            measure,
            scope: Scope::Fn(code.clone()),
        }
    }

    /// The measure for one economic code.
    pub fn econ(measure: Measure, code: &EconomicCode) -> Key {
        Key {
            measure,
            scope: Scope::Econ(code.clone()),
        }
    }

    /// The measure for 人员经费 or 公用经费.
    pub fn group(measure: Measure, group: EconGroup) -> Key {
        Key {
            measure,
            scope: Scope::Group(group),
        }
    }

    /// Parses `measure` or `measure@scope` (`exp.basic@2013801`, `econ.basic@30201`,
    /// `econ.amount@personnel`). The scope must fit the measure's domain.
    pub fn parse(s: &str) -> Option<Key> {
        let (m, scope) = match s.split_once('@') {
            Some((m, sc)) => (m.trim(), Some(sc.trim())),
            None => (s.trim(), None),
        };
        let measure = Measure::from_name(m)?;
        let scope = match (measure.domain(), scope) {
            (_, None) => Scope::All,
            (Domain::Functional, Some(sc)) => Scope::Fn(FunctionalCode::parse(sc).ok()?),
            (Domain::Economic, Some(sc)) => match EconGroup::from_name(sc) {
                Some(g) => Scope::Group(g),
                None => Scope::Econ(EconomicCode::parse(sc).ok()?),
            },
            (Domain::Scalar, Some(_)) => return None,
        };
        Some(Key { measure, scope })
    }

    /// A short Chinese description for messages: `基本支出（2013801）`.
    pub fn describe(&self) -> String {
        match &self.scope {
            Scope::All => self.measure.label().to_string(),
            Scope::Fn(c) => format!("{}（科目 {c}）", self.measure.label()),
            Scope::Econ(c) => format!("{}（经济分类 {c}）", self.measure.label()),
            Scope::Group(g) => format!("{}（{}）", self.measure.label(), g.label()),
        }
    }
}

impl fmt::Display for Key {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.scope {
            Scope::All => f.write_str(self.measure.name()),
            Scope::Fn(c) => write!(f, "{}@{c}", self.measure.name()),
            Scope::Econ(c) => write!(f, "{}@{c}", self.measure.name()),
            Scope::Group(g) => write!(f, "{}@{}", self.measure.name(), g.name()),
        }
    }
}

impl Serialize for Key {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

/// A figure's value: money or a count.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Num {
    /// An amount.
    Money(Money),
    /// A count (辆, 台（套）, 人次 …).
    Count(i64),
}

impl Num {
    /// Zero of the measure's kind.
    pub fn zero(kind: NumKind) -> Num {
        match kind {
            NumKind::Money => Num::Money(Money::ZERO),
            NumKind::Count => Num::Count(0),
        }
    }

    /// The value as an integer in the smallest unit (fen or items), for sums.
    pub fn raw(self) -> i64 {
        match self {
            Num::Money(m) => m.fen(),
            Num::Count(c) => c,
        }
    }

    /// A value of the same kind as `self` holding `raw`.
    pub fn with_raw(self, raw: i64) -> Num {
        match self {
            Num::Money(_) => Num::Money(Money::from_fen(raw)),
            Num::Count(_) => Num::Count(raw),
        }
    }

    /// True for zero.
    pub fn is_zero(self) -> bool {
        self.raw() == 0
    }

    /// The amount, if this is money.
    pub fn money(self) -> Option<Money> {
        match self {
            Num::Money(m) => Some(m),
            Num::Count(_) => None,
        }
    }

    /// `44,592,816.01` for money, `13` for counts.
    pub fn display(self) -> String {
        match self {
            Num::Money(m) => m.yuan(),
            Num::Count(c) => c.to_string(),
        }
    }
}

impl Serialize for Num {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match self {
            Num::Money(m) => m.serialize(s),
            Num::Count(c) => s.serialize_i64(*c),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn measure_names_are_unique_and_round_trip() {
        let mut names: Vec<&str> = Measure::ALL.iter().map(|m| m.name()).collect();
        for m in Measure::ALL {
            assert_eq!(Measure::from_name(m.name()), Some(*m));
        }
        names.sort_unstable();
        let n = names.len();
        names.dedup();
        assert_eq!(names.len(), n);
    }

    #[test]
    fn keys_parse_with_scopes() {
        let k = Key::parse("exp.basic@2013801").unwrap();
        assert_eq!(k.to_string(), "exp.basic@2013801");
        assert_eq!(k.describe(), "基本支出（科目 2013801）");
        assert_eq!(
            Key::parse("econ.basic@personnel").unwrap().scope,
            Scope::Group(EconGroup::Personnel)
        );
        assert_eq!(
            Key::parse("grand.income").unwrap(),
            Key::all(Measure::IncomeGrand)
        );
        assert!(Key::parse("grand.income@201").is_none());
        assert!(Key::parse("exp.basic@30201x").is_none());
        assert!(Key::parse("no.such").is_none());
    }
}
