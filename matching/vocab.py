"""Domain vocabulary: skill synonyms, clusters, titles and talent levels.

The synonym table maps a canonical skill to the ways firms and engineers
write it (acronyms, full names, common paraphrases). It feeds the jieba
dictionary (so "可编程控制器" stays one token) and the structured channel
(so "PLC" on a challenge meets "可编程逻辑控制器" on a profile).
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

import ahocorasick

SYNONYMS: dict[str, list[str]] = {
    # automation and control
    "PLC": ["可编程控制器", "可编程逻辑控制器", "西门子S7", "S7-1500", "三菱PLC", "梯形图"],
    "运动控制": ["伺服控制", "伺服驱动", "多轴联动", "运动控制器"],
    "机器视觉": ["视觉检测", "图像识别", "工业相机", "缺陷检测", "视觉定位"],
    "工业机器人": ["机械臂", "六轴机器人", "机器人集成", "焊接机器人"],
    "嵌入式": ["单片机", "MCU", "嵌入式软件", "STM32", "ARM开发", "RTOS"],
    "数字孪生": ["虚拟调试", "孪生模型"],
    "工业互联网": ["设备联网", "IIoT", "边缘计算", "OPC UA", "MES"],
    # mechanics and simulation
    "CAE": ["有限元仿真", "有限元分析", "FEA", "ANSYS", "Abaqus", "结构仿真", "仿真分析"],
    "CFD": ["流体仿真", "计算流体力学", "Fluent", "流场分析"],
    "疲劳": ["疲劳寿命", "疲劳分析", "耐久性", "疲劳强度"],
    "NVH": ["振动噪声", "减振降噪", "模态分析", "振动分析"],
    "液压": ["液压系统", "液压传动", "液压元件", "液压阀", "多路阀", "电液控制", "电液比例"],
    "密封": ["密封结构", "密封件", "泄漏控制", "防漏"],
    "焊接": ["焊接工艺", "激光焊", "搅拌摩擦焊", "焊缝", "焊接变形"],
    "铸造": ["精密铸造", "熔模铸造", "压铸", "铸件"],
    "热处理": ["渗碳", "淬火", "回火", "表面强化"],
    "增材制造": ["3D打印", "激光选区熔化", "SLM", "金属打印"],
    "数控加工": ["CNC", "五轴加工", "数控机床", "切削工艺", "刀具路径"],
    "齿轮传动": ["齿轮箱", "减速器", "传动系统", "齿轮设计"],
    "轴承": ["滚动轴承", "轴承寿命", "轴承选型"],
    "轻量化": ["结构减重", "拓扑优化", "轻量化设计"],
    # rail and power
    "牵引变流": ["牵引变流器", "变流器", "牵引系统", "逆变器"],
    "IGBT": ["功率半导体", "功率模块", "SiC", "碳化硅器件"],
    "列车控制": ["列控系统", "CBTC", "ATP", "信号系统"],
    "转向架": ["走行部", "构架", "悬挂系统"],
    "变压器": ["电力变压器", "油浸式变压器", "干式变压器", "绕组"],
    "绝缘": ["绝缘材料", "局部放电", "绝缘老化", "耐压试验"],
    "开关设备": ["GIS", "断路器", "开关柜", "组合电器"],
    "继电保护": ["保护装置", "故障录波", "配网自动化"],
    # aero engines
    "燃烧室": ["燃烧组织", "火焰筒", "燃油喷嘴"],
    "涡轮叶片": ["叶片", "单晶叶片", "气冷叶片", "叶片冷却"],
    "高温合金": ["镍基合金", "镍基高温合金", "GH4169"],
    "转子动力学": ["转子动力", "临界转速", "动平衡"],
    "航空发动机": ["涡轴发动机", "涡扇发动机", "航发", "燃气涡轮"],
    # energy storage and materials
    "电池管理系统": ["BMS", "电池管理", "SOC估算", "均衡控制"],
    "正极材料": ["磷酸铁锂", "三元材料", "NCM", "LFP", "正极"],
    "负极材料": ["石墨负极", "硅碳负极", "负极"],
    "电解液": ["电解质", "固态电解质", "锂盐"],
    "热管理": ["液冷", "散热设计", "热失控", "温控"],
    "储能系统": ["储能电站", "储能变流器", "PCS", "电化学储能"],
    "粉末冶金": ["粉末成形", "烧结", "硬质合金"],
    "铜合金": ["铜加工", "高强高导铜", "铜箔"],
    "铝合金": ["铝型材", "铝加工", "铝挤压"],
    "冶炼": ["湿法冶金", "火法冶金", "提纯", "冶金工艺", "浸出"],
    "稀土": ["稀土永磁", "钕铁硼", "稀土分离"],
    # petrochemical
    "催化剂": ["催化", "分子筛", "催化裂化", "加氢催化"],
    "高分子材料": ["聚合物", "改性塑料", "树脂", "聚烯烃", "工程塑料"],
    "化工工艺": ["工艺放大", "反应工程", "精馏", "分离纯化"],
    "安全环保": ["VOCs治理", "危废处理", "环评", "废水处理"],
    # computing and software
    "信创": ["国产化替代", "自主可控", "国产操作系统", "麒麟", "统信"],
    "网络安全": ["等保", "等级保护", "渗透测试", "安全加固", "密码应用"],
    "操作系统": ["内核", "驱动开发", "Linux内核"],
    "数据库": ["国产数据库", "SQL优化", "数据迁移"],
    "大数据": ["数据治理", "数据仓库", "数据中台"],
    "人工智能": ["深度学习", "机器学习", "神经网络", "AI算法", "大模型"],
    "芯片设计": ["集成电路设计", "IC设计", "FPGA", "Verilog", "SoC"],
    # bio and food
    "发酵": ["发酵工艺", "菌种选育", "生物发酵"],
    "制剂": ["药物制剂", "缓释", "仿制药一致性评价", "剂型"],
    "GMP": ["药品生产质量管理", "洁净车间", "验证管理"],
    "食品安全": ["食品检测", "农残检测", "HACCP", "保质期"],
    "中药": ["中药提取", "中药材", "中药配方颗粒"],
    "质量检测": ["检验检测", "理化检测", "无损检测", "计量校准"],
}

CLUSTERS = [
    "工程机械", "轨道交通装备", "中小航空发动机", "先进储能材料", "自主安全计算",
    "石化新材料", "输变电装备", "生物医药与食品", "有色金属新材料",
]

HUNAN_CITIES = [
    "长沙市", "株洲市", "湘潭市", "衡阳市", "邵阳市", "岳阳市", "常德市", "张家界市", "益阳市",
    "郴州市", "永州市", "怀化市", "娄底市", "湘西土家族苗族自治州",
]

# 职称: the higher the rank, the larger the (small) structured bonus.
TITLE_RANK = {
    "正高级工程师": 3, "教授级高级工程师": 3, "教授": 3, "研究员": 3,
    "高级工程师": 2, "副教授": 2, "副研究员": 2, "高级技师": 2,
    "工程师": 1, "讲师": 1, "技师": 1,
}
TALENT_RANK = {"国家级": 3, "省级": 2, "市级": 1}

# A few traditional characters common in engineering text, mapped to simplified.
_TRAD = str.maketrans({
    "機": "机", "械": "械", "電": "电", "壓": "压", "裝": "装", "備": "备", "軌": "轨", "輸": "输",
    "變": "变", "導": "导", "體": "体", "儲": "储", "們": "们", "動": "动", "發": "发", "據": "据",
    "庫": "库", "計": "计", "設": "设", "製": "制", "檢": "检", "測": "测", "驗": "验", "質": "质",
    "傳": "传", "統": "统", "熱": "热", "處": "处", "理": "理", "術": "术", "車": "车", "輛": "辆",
    "鋼": "钢", "鐵": "铁", "鋁": "铝", "銅": "铜", "閥": "阀", "溫": "温", "網": "网", "絡": "络",
    "軟": "软", "硬": "硬", "優": "优", "化": "化", "節": "节", "點": "点", "線": "线", "號": "号",
    "視": "视", "覺": "觉", "圖": "图", "像": "像", "識": "识", "別": "别", "學": "学", "習": "习",
    "續": "续", "關": "关", "開": "开", "門": "门", "劑": "剂", "藥": "药", "產": "产", "業": "业",
    "與": "与", "為": "为", "對": "对", "於": "于", "這": "这", "個": "个", "區": "区", "間": "间",
    "結": "结", "構": "构", "應": "应", "頻": "频", "轉": "转", "邊": "边", "緣": "缘", "樣": "样",
})


def normalize(text: str | None) -> str:
    """NFKC (full-width to half-width), a traditional-to-simplified pass, single spaces."""
    if not text:
        return ""
    text = unicodedata.normalize("NFKC", text).translate(_TRAD)
    return re.sub(r"\s+", " ", text).strip()


@lru_cache(maxsize=1)
def _lookup() -> dict[str, str]:
    table: dict[str, str] = {}
    for canonical, variants in SYNONYMS.items():
        for term in [canonical, *variants]:
            table[normalize(term).lower()] = canonical
    return table


@lru_cache(maxsize=1)
def _automaton():
    """An Aho-Corasick automaton over every surface form of two or more characters."""
    automaton = ahocorasick.Automaton()
    for surface, canon in _lookup().items():
        if len(surface) >= 2:
            automaton.add_word(surface, canon)
    automaton.make_automaton()
    return automaton


def canonical(term: str) -> str:
    """The canonical skill for a term, or the normalised term itself."""
    shown = normalize(term)
    return _lookup().get(shown.lower(), shown)


def skills_in_text(text: str) -> set[str]:
    """Canonical skills mentioned anywhere in a free text (overlapping mentions included)."""
    low = normalize(text).lower()
    if not low:
        return set()
    return {canon for _end, canon in _automaton().iter(low)}


def dictionary_words() -> list[str]:
    """Every surface form, for the jieba user dictionary."""
    words = {normalize(t) for canon, vs in SYNONYMS.items() for t in [canon, *vs]}
    return sorted(w for w in words | set(CLUSTERS) if len(w) >= 2)
