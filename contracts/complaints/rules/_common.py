"""What every complaint rule shares: the refusal they raise, the statutory periods with their
articles, and how a deadline's last day is shown."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from app.refusal import Refusal

_TZ = ZoneInfo("Asia/Shanghai")


class ComplaintRuleError(Refusal, ValueError):
    """A complaint input or step breaks a rule (Chinese `message`, English `message_en`)."""


# ---- periods and their articles -----------------------------------------------------------------

#: 《招标投标法实施条例》第六十条：自知道或者应当知道之日起10日内投诉 (日, calendar days).
WINDOW_DAYS = 10
#: 第六十一条：收到投诉之日起3个工作日内决定是否受理 (工作日).
ACCEPT_WORKING_DAYS = 3
#: 第六十一条：自受理投诉之日起30个工作日内作出书面处理决定；检验、检测、鉴定、专家评审所需时间不计算在内.
DECIDE_WORKING_DAYS = 30

BASIS_WINDOW = "《招标投标法实施条例》第六十条"
BASIS_ACCEPT = "《招标投标法实施条例》第六十一条；《工程建设项目招标投标活动投诉处理办法》第十一条"
BASIS_DECIDE = "《招标投标法实施条例》第六十一条第二款"


def _local(moment: datetime) -> str:
    # Deadlines are instants at 00:00 +08:00: the last day is the day before.
    local = moment.astimezone(_TZ)
    return f"{(local - timedelta(days=1)):%Y-%m-%d}"
