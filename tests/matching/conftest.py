"""A small, realistic pool of engineers for the matching tests."""

from __future__ import annotations

import pytest

from talent.models import Engineer, PoolMembership
from tests.factories import make_center


def add_engineer(session, *, ext: str, name: str, skills: list[str], bio: str, fields: list[str],
                 region: str = "长沙市", capacity: int = 2, center=None, title: str = "高级工程师") -> Engineer:
    e = Engineer(external_id=ext, name=name, skills=skills, fields=fields, bio=bio, region=region,
                 capacity=capacity, title=title)
    session.add(e)
    session.flush()
    if center is not None:
        session.add(PoolMembership(center_id=center.id, engineer_id=e.id, status="active"))
        session.flush()
    return e


@pytest.fixture
def pool(session) -> dict[str, Engineer]:
    cm = make_center(session, name="长沙工程机械协创中心", cluster="工程机械")
    rail = make_center(session, name="株洲轨道交通协创中心", city="株洲市", cluster="轨道交通装备")
    bat = make_center(session, name="长沙储能材料协创中心", cluster="先进储能材料")
    specs = [
        ("M-HYD", "李液压", ["液压系统", "电液比例控制"], "从事挖掘机多路阀与液压回路设计十五年，解决过主阀内泄与压力波动问题。", ["工程机械"], "长沙市", cm),
        ("M-PLC", "周自动", ["可编程逻辑控制器", "伺服驱动"], "负责产线自动化改造，西门子S7系列编程，多轴联动与上位机开发。", ["工程机械"], "湘潭市", cm),
        ("M-BMS", "王电池", ["电池管理系统", "SOC估算"], "储能电站电池管理算法开发，荷电状态估计与主动均衡。", ["先进储能材料"], "长沙市", bat),
        ("M-BOGIE", "赵构架", ["转向架", "疲劳分析"], "地铁转向架构架强度与疲劳寿命评估，一系悬挂参数优化。", ["轨道交通装备"], "株洲市", rail),
        ("M-CAE", "钱仿真", ["有限元分析", "结构优化"], "工程机械臂架结构有限元计算与轻量化设计，焊缝疲劳评估。", ["工程机械"], "长沙市", cm),
        ("M-FOOD", "孙食品", ["食品安全", "杀菌工艺"], "休闲食品保质期延长与杀菌工艺，微生物指标控制。", ["生物医药与食品"], "常德市", None),
    ]
    out = {}
    for ext, name, skills, bio, fields, region, center in specs:
        out[ext] = add_engineer(session, ext=ext, name=name, skills=skills, bio=bio, fields=fields,
                                region=region, center=center)
    out["_centers"] = {"cm": cm, "rail": rail, "bat": bat}
    return out
