"""Demo policies and guides (`flask demo`): the district's rules, the step-by-step guides written
from docs/procedure.md, a model text, a platform's own guide and a repealed trial version."""

from __future__ import annotations

from datetime import date, datetime, timedelta

from app import clock
from notices.guides import services
from notices.guides.services import GuideInput


def seed(echo, staff, platform_staff, district, platform, published_on: date) -> None:
    """Publish the demo documents (`published_on`: the day the rules were issued)."""

    def at(day: date, hour: int = 10) -> datetime:
        return datetime(day.year, day.month, day.day, hour, tzinfo=clock.TZ)

    def publish(data: GuideInput, day: date, actor) -> int:
        with clock.frozen_at(at(day)):
            g = services.create_draft(data, actor=actor)
            services.publish(g.id, actor=actor)
        return g.id

    trial = publish(
        GuideInput(
            kind="policy",
            title="小型建设工程预选承包商名录库管理办法（试行）",
            body=TRIAL_BODY,
            office_id=district.id,
            issuing_body="江北区人民政府办公室",
            doc_number="北区政办发〔2024〕31号",
            effective_on=published_on - timedelta(days=700),
        ),
        published_on - timedelta(days=710),
        staff,
    )
    with clock.frozen_at(at(published_on, 9)):
        services.withdraw(
            trial,
            "已被《小型建设工程预选承包商名录库管理办法》（北区政办发〔2026〕8号）替代",
            actor=staff,
        )
    publish(
        GuideInput(
            kind="policy",
            title="小型建设工程预选承包商名录库管理办法",
            body=POOL_RULES_BODY,
            office_id=district.id,
            issuing_body="江北区人民政府办公室",
            doc_number="北区政办发〔2026〕8号",
            effective_on=published_on + timedelta(days=1),
        ),
        published_on,
        staff,
    )
    publish(
        GuideInput(
            kind="guide",
            title="小型工程承包商入库办事指南",
            body=POOL_GUIDE_BODY,
            office_id=district.id,
        ),
        published_on + timedelta(days=2),
        staff,
    )
    publish(
        GuideInput(
            kind="guide",
            title="业主单位小型建设工程项目交易办事指南",
            body=OWNER_GUIDE_BODY,
            office_id=district.id,
        ),
        published_on + timedelta(days=2),
        staff,
    )
    publish(
        GuideInput(
            kind="model_text",
            title="小型建设工程交易文件示范文本（2026年版）",
            body=MODEL_TEXT_BODY,
            office_id=district.id,
        ),
        published_on + timedelta(days=3),
        staff,
    )
    publish(
        GuideInput(
            kind="guide",
            title="庄桥街道小型工程交易平台办事须知",
            body=PLATFORM_GUIDE_BODY,
            office_id=platform.id,
        ),
        published_on + timedelta(days=5),
        platform_staff,
    )
    with clock.frozen_at(clock.now()):
        services.create_draft(
            GuideInput(
                kind="guide",
                title="小型建设工程投诉办事指南（征求意见稿）",
                body="（草稿，尚未发布）",
                office_id=district.id,
            ),
            actor=staff,
        )
    echo("  policies and guides: 6 published (1 since repealed), 1 draft")


TRIAL_BODY = """第一条 为规范小型建设工程交易活动，建立预选承包商名录库，制定本办法（试行）。

第二条 名录库通过公开征集、资格审查、公开摇号的方式组建，有效期一年。

第三条 本办法自印发之日起试行。
"""

POOL_RULES_BODY = """## 第一章 总则

**第一条** 为规范本区国有资金投资和村级集体资金投资的小型建设工程交易活动，提高交易效率，预防腐败，
根据《中华人民共和国招标投标法》《中华人民共和国招标投标法实施条例》等规定，制定本办法。

**第二条** 本办法适用于单项合同估算价10万元以上、依法必须招标限额以下（施工400万元以下、监理100万元以下）
的小型建设工程。

## 第二章 名录库的组建

**第三条** 名录库按类别组建，通过公开征集、资格审查、公开摇号的方式确定入围企业，有效期两年。

**第四条** 征集公告公示不少于10个工作日；资格审查结果公示不少于3个工作日，不合格的应当说明理由；
入围企业名录公示不少于5个工作日。

## 第三章 具体项目的交易

**第五条** 项目交易公告公示不少于3个工作日，同时以短信通知该类别全部有效入围企业。

**第六条** 入围企业以交易响应承诺方式参与，不编制投标文件。响应企业不足3家的，交易失败。

**第七条** 定标会议公开摇号确定承包单位和下浮率，合同价＝控制价×（1－下浮率），按四舍五入保留到分。

## 第四章 附则

**第八条** 本办法自施行之日起实施，《小型建设工程预选承包商名录库管理办法（试行）》同时废止。
"""

POOL_GUIDE_BODY = """本指南说明企业如何进入区小型建设工程预选承包商名录库（入围企业），以及入库后如何参与具体项目。
所有步骤都在本平台上办理，无需提交纸质材料。

## 一、办理条件

- 具有有效的营业执照、相应类别的建筑业企业资质证书（监理类为工程监理资质）和安全生产许可证；
- 未被列入不良行为记录暂停或清出名录库，未被列为失信被执行人。

## 二、办理流程

1. **注册企业账户**：在平台“企业注册”页填写企业名称、统一社会信用代码、联系人手机号，上传营业执照等材料。
   统一社会信用代码按国家标准校验，手机号须为大陆手机号。
2. **关注征集公告**：区公管办发布“征集公告”，公示期不少于10个工作日，写明类别、各类别入围数量、资格条件和名录库有效期。
3. **提交入库申请**：在征集公告公示期内，选择申请的类别并上传申请材料（营业执照、资质证书、安全生产许可证等）。
   公示期内可以修改或撤回申请，公示期结束后不再受理。
4. **资格审查**：资格审查小组（区公管办和行业主管部门）逐一审查，结果为合格或不合格，不合格的写明理由。
5. **审查结果公示**：资格审查结果公示不少于3个工作日。对审查结果有异议的，在公示期内通过平台提出。
6. **公开摇号**：某类别合格企业多于入围数量的，在摇号会议上公开摇号确定入围企业和候补企业；不多于入围数量的，合格企业全部入围。
   摇号记录公开，任何人可以自行验证。
7. **入围企业名录公示**：公示不少于5个工作日，期满后发布入围企业名单，企业成为有效入围企业。

## 三、入库后参与项目

- 有本类别新项目时，平台以短信通知全部有效入围企业（短信不含网址，请登录平台查看）。
- 在交易公告公示期内，登录平台确认“交易响应承诺”即完成响应，截止前可以撤回；无需编制投标文件。
- 定标会议公开摇号确定承包单位和下浮率；中选企业应在30日内签订合同，无正当理由拒签的，将记录不良行为。

## 四、办理时限与收费

| 事项 | 时限 |
|---|---|
| 征集公告公示 | 不少于10个工作日 |
| 资格审查结果公示 | 不少于3个工作日 |
| 入围企业名录公示 | 不少于5个工作日 |

办理不收取任何费用。

## 五、咨询

区公共资源交易管理办公室，工作日 8:30—17:00。
"""

OWNER_GUIDE_BODY = """本指南适用于国有企事业单位、村级集体经济组织和街道（镇）作为业主，通过本平台交易小型建设工程。

## 一、适用范围

单项合同估算价**10万元以上**、依法必须招标限额以下：施工**400万元以下**，监理**100万元以下**。超出范围的项目平台不予受理并说明理由。

## 二、办理流程

1. **录入项目**：填写项目名称、街道（镇）和村、工程类别、资金来源、估算价、控制价、工期、工程内容和联系人；控制价不得高于估算价。
2. **备案**：所在街道（镇）平台或区公管办审核后备案，或写明理由退回修改。备案后项目信息固定，作为交易公告的内容。
3. **交易公告**：平台发布交易公告，公示不少于3个工作日，并短信通知该类别全部入围企业；公告打印件张贴于村（社区）信息公开栏。
4. **定标会议**：按公告的时间地点公开摇号，确定承包单位和下浮率；响应企业不足3家的交易失败，可以重新发布。
5. **交易结果**：当场发布交易结果公告，签发交易结果通知书。
6. **签订合同**：自通知书发出之日起30日内签订合同，并在平台上登记合同日期和金额。

## 三、常见问题

- **能否指定承包单位？** 不能。承包单位由公开摇号确定，摇号过程和结果公开，可以验证。
- **合同价怎么算？** 合同价＝控制价×（1－下浮率），四舍五入保留到分；含不可竞争费用的，该部分不参与下浮。
"""

MODEL_TEXT_BODY = """业主单位编制交易文件时使用本示范文本，平台在项目备案时按本文本生成交易文件。

## 主要内容

1. 项目概况：名称、地点、工程内容、工期、控制价及不可竞争费用；
2. 响应方式：入围企业在平台上确认交易响应承诺（统一表式），不编制投标文件；
3. 定标方式：定标会议公开摇号确定承包单位和下浮率；
4. 合同价计算方法和合同签订期限；
5. 异议与投诉的途径和时限。

交易响应承诺的空白样式见“统一表式”栏目。
"""

PLATFORM_GUIDE_BODY = """庄桥街道辖区内的小型建设工程由庄桥街道小型公共资源交易平台受理备案、发布交易公告、组织定标会议。

- 受理地点：庄桥街道办事处便民服务中心；
- 定标会议地点以交易公告为准，企业和群众可以到场监督；
- 名录库、投诉和不良行为处理由区公管办负责。
"""
