"""The labelled matching set (deterministic): python -m seed.evalset writes seed/data/eval.jsonl.

Labels come from a latent taxonomy, never from the matcher. Each engineer has a
primary specialty (sub-field x capability) and sometimes a secondary one; each
challenge targets one specialty. Grades:
  3  same sub-field and same capability (primary)
  2  same sub-field, other capability; or the engineer's secondary specialty is the target
  1  same cluster, other sub-field, same capability
Texts draw on separate paraphrase lists for profiles and for challenges (a firm
writes "主阀内泄", an engineer "多路阀密封设计"), so a label is not simply the
overlap of the same tokens; capability words (仿真, 测试, 工艺, 控制) recur in
every cluster, which makes hard negatives that share words but not expertise.
"""

from __future__ import annotations

import json
import random
from pathlib import Path

OUT = Path(__file__).parent / "data" / "eval.jsonl"
N_ENGINEERS = 420
N_CHALLENGES = 90
SEED = 20261129

# cluster -> sub-field -> (profile wording, challenge wording, components, problems)
TAXONOMY: dict[str, dict[str, tuple[list[str], list[str], list[str], list[str]]]] = {
    "工程机械": {
        "液压系统": (["液压系统", "电液比例控制", "液压传动", "多路阀"], ["液压", "主阀", "油路", "液压回路"],
                 ["主控阀", "多路阀", "液压泵", "先导阀"], ["内泄量超标", "压力波动大", "油温过高", "动作迟滞"]),
        "结构件": (["焊接结构", "动臂结构", "钢结构件", "结构强度"], ["臂架", "车架", "结构件", "箱形梁"],
                ["动臂", "臂架", "回转平台", "底盘车架"], ["焊缝开裂", "局部变形", "重量偏大", "疲劳裂纹"]),
        "动力传动": (["传动系统", "变速箱", "齿轮传动", "驱动桥"], ["变速器", "减速机", "传动链", "驱动桥"],
                 ["行星减速机", "回转支承", "变速箱", "驱动桥"], ["异响", "齿面点蚀", "效率偏低", "漏油"]),
        "整机智能": (["智能施工", "远程运维", "无人驾驶工程机械", "整机电控"], ["智能化", "远程监控", "无人化", "电控"],
                 ["挖掘机", "起重机", "泵车", "压路机"], ["操作依赖老师傅", "故障难以预警", "施工精度不足", "油耗偏高"]),
    },
    "轨道交通装备": {
        "牵引变流": (["牵引变流器", "IGBT功率模块", "牵引传动", "电力电子"], ["变流器", "功率器件", "牵引系统", "逆变单元"],
                 ["牵引变流器", "辅助变流器", "功率模块", "散热器"], ["模块过温", "谐波超标", "器件失效率高", "体积重量大"]),
        "转向架": (["转向架", "走行部", "悬挂系统", "轮对"], ["构架", "转向架", "悬挂", "轮轴"],
                ["构架", "一系悬挂", "轮对", "轴箱"], ["构架裂纹", "蛇行失稳", "轮缘磨耗快", "振动超标"]),
        "列控信号": (["列车控制", "CBTC信号系统", "车载ATP", "联锁"], ["信号系统", "列控", "车地通信", "联锁"],
                 ["车载控制器", "应答器", "联锁机", "车地无线"], ["通信丢包", "定位误差大", "软件认证周期长", "误报警"]),
        "车体制造": (["铝合金车体", "车体焊接", "搅拌摩擦焊", "车体制造"], ["车体", "铝车体", "侧墙", "底架"],
                 ["侧墙", "底架", "车顶", "端墙"], ["焊接变形大", "气密性不足", "平面度超差", "涂装起泡"]),
    },
    "中小航空发动机": {
        "燃烧室": (["燃烧室", "燃烧组织", "火焰筒", "燃油喷嘴"], ["燃烧", "喷嘴", "火焰筒", "点火"],
                ["火焰筒", "旋流器", "燃油喷嘴", "点火电嘴"], ["出口温度分布不均", "高空点火困难", "排放超标", "积碳"]),
        "涡轮叶片": (["涡轮叶片", "叶片冷却", "单晶叶片", "热端部件"], ["叶片", "涡轮", "气冷", "热端"],
                 ["高压涡轮叶片", "导向叶片", "涡轮盘", "叶冠"], ["叶片烧蚀", "冷却效率低", "蠕变伸长", "裂纹"]),
        "转子动力学": (["转子动力学", "临界转速", "高速动平衡", "轴承转子"], ["转子", "振动", "动平衡", "支承"],
                  ["转子", "挤压油膜阻尼器", "主轴承", "联轴器"], ["整机振动大", "临界转速裕度不足", "碰摩", "轴承早期失效"]),
        "发动机控制": (["全权限数字电子控制", "FADEC", "发动机控制规律", "燃油调节"], ["控制器", "电调", "燃油计量", "控制系统"],
                  ["电子控制器", "燃油计量装置", "传感器", "执行机构"], ["转速超调", "喘振", "传感器故障", "加速时间长"]),
    },
    "先进储能材料": {
        "正极材料": (["正极材料", "磷酸铁锂", "三元材料", "前驱体"], ["正极", "LFP", "高镍", "前驱体"],
                 ["磷酸铁锂", "高镍三元", "前驱体", "包覆层"], ["压实密度低", "循环衰减快", "批次一致性差", "残碱高"]),
        "电池管理": (["电池管理系统", "BMS", "SOC估算", "均衡控制"], ["电池管理", "BMS", "荷电状态", "电池监控"],
                 ["BMS主板", "采样芯片", "均衡电路", "主控算法"], ["SOC误差大", "均衡效率低", "误报警", "通讯中断"]),
        "电池热管理": (["热管理", "液冷板", "热失控防护", "电池包热设计"], ["散热", "温控", "热失控", "液冷"],
                  ["液冷板", "电池包", "储能柜", "隔热材料"], ["温差大", "热失控蔓延", "能耗高", "冷凝水"]),
        "储能系统集成": (["储能系统集成", "储能变流器", "电化学储能电站", "PCS"], ["储能电站", "储能柜", "PCS", "储能系统"],
                   ["储能变流器", "能量管理系统", "储能集装箱", "并网柜"], ["转换效率低", "调度响应慢", "并网谐波", "可用率低"]),
    },
    "自主安全计算": {
        "国产操作系统": (["国产操作系统", "麒麟系统", "Linux内核", "驱动开发"], ["操作系统", "信创系统", "内核", "驱动"],
                   ["麒麟操作系统", "统信UOS", "设备驱动", "内核模块"], ["外设驱动不兼容", "启动慢", "应用迁移难", "内存泄漏"]),
        "网络安全": (["网络安全", "等级保护", "渗透测试", "安全加固"], ["安全防护", "等保", "漏洞", "入侵检测"],
                 ["工控防火墙", "安全网关", "日志审计", "主机加固"], ["等保测评不通过", "遭受勒索攻击", "漏洞多", "工控网络裸奔"]),
        "国产数据库": (["国产数据库", "SQL优化", "数据库迁移", "分布式数据库"], ["数据库", "达梦", "数据迁移", "查询性能"],
                  ["达梦数据库", "人大金仓", "分布式存储", "数据同步"], ["查询慢", "迁移数据不一致", "高可用不足", "锁等待"]),
        "芯片与FPGA": (["FPGA开发", "芯片设计", "Verilog", "SoC验证"], ["FPGA", "芯片", "国产芯片", "逻辑设计"],
                    ["FPGA板卡", "国产MCU", "SoC", "高速接口"], ["时序不收敛", "国产替代适配", "功耗高", "接口误码"]),
    },
    "石化新材料": {
        "催化剂": (["催化剂", "分子筛", "加氢催化", "催化材料"], ["催化", "分子筛", "催化剂", "活性组分"],
                ["加氢催化剂", "分子筛", "载体", "活性组分"], ["活性衰减快", "选择性低", "积炭失活", "强度不足"]),
        "高分子改性": (["高分子材料", "改性塑料", "聚烯烃", "共混改性"], ["塑料", "树脂", "聚合物", "改性料"],
                  ["聚丙烯", "尼龙", "弹性体", "阻燃母粒"], ["冲击强度低", "阻燃不达标", "流动性差", "气味大"]),
        "化工工艺": (["化工工艺", "精馏分离", "工艺放大", "反应工程"], ["工艺", "精馏", "中试", "反应器"],
                 ["精馏塔", "反应釜", "换热网络", "结晶器"], ["收率低", "能耗高", "放大效应", "产品纯度不够"]),
        "安全环保": (["安全环保", "VOCs治理", "危废处理", "废水处理"], ["环保", "废气", "废水", "排放"],
                 ["RTO焚烧炉", "污水站", "危废仓库", "LDAR"], ["排放超标", "处理成本高", "异味投诉", "安全隐患"]),
    },
    "输变电装备": {
        "变压器": (["电力变压器", "变压器设计", "绕组", "铁心"], ["变压器", "主变", "绕组", "铁芯"],
                ["绕组", "铁心", "油箱", "有载分接开关"], ["温升超标", "局部放电大", "空载损耗高", "噪声大"]),
        "绝缘技术": (["绝缘材料", "局部放电", "绝缘老化", "高电压试验"], ["绝缘", "耐压", "放电", "老化"],
                 ["绝缘纸板", "套管", "环氧绝缘件", "电缆终端"], ["绝缘击穿", "局放超标", "老化加速", "沿面闪络"]),
        "开关设备": (["开关设备", "GIS组合电器", "断路器", "开关柜"], ["GIS", "断路器", "开关", "开关柜"],
                 ["真空灭弧室", "操作机构", "隔离开关", "触头"], ["开断失败", "机构卡涩", "触头烧损", "SF6泄漏"]),
        "继电保护": (["继电保护", "保护装置", "配网自动化", "故障录波"], ["保护", "继保", "配网", "自动化"],
                 ["保护装置", "馈线终端", "合并单元", "录波器"], ["误动作", "拒动", "定值整定难", "通信延迟"]),
    },
    "生物医药与食品": {
        "药物制剂": (["药物制剂", "缓释制剂", "一致性评价", "剂型开发"], ["制剂", "片剂", "仿制药", "剂型"],
                 ["缓释片", "注射剂", "口服液", "胶囊"], ["溶出不达标", "稳定性差", "含量均匀度差", "辅料相容性"]),
        "生物发酵": (["发酵工艺", "菌种选育", "生物发酵", "代谢工程"], ["发酵", "菌种", "发酵罐", "微生物"],
                 ["发酵罐", "工程菌", "培养基", "下游纯化"], ["产率低", "染菌", "批次波动", "放大失败"]),
        "中药提取": (["中药提取", "中药材", "配方颗粒", "有效成分分离"], ["中药", "提取", "药材", "颗粒"],
                 ["提取罐", "浓缩液", "配方颗粒", "药材饮片"], ["得率低", "指纹图谱不一致", "农残超标", "能耗高"]),
        "食品加工": (["食品加工", "食品安全", "HACCP", "保质期延长"], ["食品", "保质期", "杀菌", "风味"],
                 ["槟榔", "辣味零食", "米粉", "茶饮"], ["保质期短", "微生物超标", "口感不稳定", "添加剂超标"]),
    },
    "有色金属新材料": {
        "冶炼提纯": (["湿法冶金", "火法冶炼", "提纯", "浸出"], ["冶炼", "提纯", "回收", "浸出"],
                 ["铅锌冶炼", "锑", "铋", "稀贵金属"], ["回收率低", "杂质超标", "能耗高", "渣含量高"]),
        "铜铝加工": (["铜合金", "铝合金加工", "铜箔", "挤压成形"], ["铜材", "铝材", "铜箔", "型材"],
                 ["锂电铜箔", "铝型材", "引线框架", "铜排"], ["针孔", "抗拉强度低", "表面划伤", "成品率低"]),
        "粉末冶金": (["粉末冶金", "硬质合金", "烧结", "粉末成形"], ["粉末", "烧结件", "硬质合金", "刀具材料"],
                 ["硬质合金刀片", "烧结齿轮", "钨钼制品", "金属粉末"], ["致密度不足", "开裂", "硬度不均", "尺寸精度差"]),
        "稀土永磁": (["稀土永磁", "钕铁硼", "磁性材料", "晶界扩散"], ["磁材", "永磁", "钕铁硼", "磁钢"],
                 ["烧结钕铁硼", "磁钢", "电机转子", "粘结磁体"], ["矫顽力低", "高温退磁", "镀层腐蚀", "重稀土用量大"]),
    },
}

# capability -> (profile phrases, challenge phrases)
CAPABILITIES: dict[str, tuple[list[str], list[str]]] = {
    "设计仿真": (["有限元仿真与结构优化", "CAE分析与参数化设计", "多物理场数值模拟", "正向设计与仿真验证"],
             ["通过仿真找出原因并优化设计", "建立计算模型进行优化", "开展数值分析改进方案", "重新设计并用模型验证"]),
    "工艺制造": (["工艺开发与量产导入", "制造工艺优化与良率提升", "工艺参数窗口研究", "产线工艺改进"],
             ["改进生产工艺提高良品率", "摸清工艺参数并稳定批量生产", "优化制造流程降低成本", "解决量产一致性问题"]),
    "测试诊断": (["试验验证与故障诊断", "失效分析与检测方法开发", "台架试验与可靠性评估", "状态监测与故障预测"],
             ["查明失效机理并给出检测手段", "搭建测试方法定位故障", "做可靠性试验找出薄弱环节", "开展检测分析给出诊断结论"]),
    "控制软件": (["控制算法与嵌入式软件", "控制策略开发与软件实现", "自动化控制与上位机软件", "智能算法与系统集成"],
             ["开发控制程序和算法", "优化控制策略并实现软件升级", "做智能化控制改造", "编写监控软件实现自动调节"]),
}

SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史黎贺顾毛郝龚邵万钱覃武戴孔汤庞樊兰殷施陶洪翟安颜倪严牛温芦季俞章鲁葛伍申尤毕聂柴焦向柳邢岳齐梅莫庄辛管祝左涂谷祁时舒耿牟卜詹关苗凌费纪靳盛童欧甄项曲成游阳裴席卫查屈鲍位覃霍翁隋植甘景薄单包司柏宁柯阮桂闵解强"
GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰涛明超秀霞平刚桂英华玉兰萍红娥建国志斌鹏辉宇浩凯健俊帆晨阳立新海波峰志刚文博思远子豪嘉怡雨欣"
TITLES = ["正高级工程师", "高级工程师", "高级工程师", "工程师", "教授", "副教授", "研究员", "高级技师"]
TALENTS = ["none", "none", "none", "市级", "省级", "国家级"]
ENGAGEMENTS = ["全职", "双聘", "项目聘用", "柔性引进", "兼职", "顾问"]
CITIES = ["长沙市", "株洲市", "湘潭市", "衡阳市", "岳阳市", "常德市", "益阳市", "郴州市", "娄底市", "永州市"]
CENTER_CITY = {
    "工程机械": "长沙市", "轨道交通装备": "株洲市", "中小航空发动机": "株洲市", "先进储能材料": "长沙市",
    "自主安全计算": "长沙市", "石化新材料": "岳阳市", "输变电装备": "衡阳市", "生物医药与食品": "常德市",
    "有色金属新材料": "郴州市",
}
COMPANY_SUFFIX = ["机械有限公司", "科技股份有限公司", "装备制造有限公司", "新材料有限公司", "智能科技有限公司"]
COMPANY_HEAD = "湘潭 株洲 衡阳 岳阳 常德 益阳 郴州 娄底 长沙 浏阳 醴陵 汨罗 宁乡 湘乡 耒阳".split()


def _specialties() -> list[tuple[str, str, str]]:
    return [(cl, sf, cap) for cl, subs in TAXONOMY.items() for sf in subs for cap in CAPABILITIES]


def grade(engineer: dict, target: tuple[str, str, str]) -> int:
    cl, sf, cap = target
    pcl, psf, pcap = engineer["_primary"]
    if (psf, pcap) == (sf, cap):
        return 3
    if psf == sf or (engineer.get("_secondary") and tuple(engineer["_secondary"][1:]) == (sf, cap)):
        return 2
    if pcl == cl and pcap == cap:
        return 1
    return 0


def _engineer(rng: random.Random, n: int, spec: tuple[str, str, str], second: tuple[str, str, str] | None) -> dict:
    cl, sf, cap = spec
    words, _, components, _ = TAXONOMY[cl][sf]
    cap_words = CAPABILITIES[cap][0]
    years = rng.randint(5, 28)
    name = rng.choice(SURNAMES) + "".join(rng.choice(GIVEN) for _ in range(rng.randint(1, 2)))
    term = rng.choice(words)
    component = rng.choice(components)
    sentences = [
        f"从事{term}方向{years}年，专长{rng.choice(cap_words)}。",
        rng.choice([
            f"主持过{component}相关的{rng.choice(['省重点研发', '企业横向', '国家重点研发计划子课题', '技改'])}项目。",
            f"曾为多家企业解决{component}的技术难题。",
            f"熟悉{rng.choice(words)}与{component}，{rng.choice(cap_words)}经验丰富。",
        ]),
    ]
    if second:
        s_cl, s_sf, s_cap = second
        sentences.append(f"兼做{rng.choice(TAXONOMY[s_cl][s_sf][0])}的{rng.choice(CAPABILITIES[s_cap][0])}。")
    if rng.random() < 0.35:  # a generic sentence that shares words with other fields (hard negatives)
        sentences.append(rng.choice(["懂控制、会仿真，能做现场测试。", "关注密封、散热与可靠性问题。",
                                     "掌握质量检测与工艺管理方法。", "熟悉国产化替代与智能制造。"]))
    skills = list(dict.fromkeys([term, rng.choice(words), rng.choice(cap_words).split("与")[0]]))
    fields = [cl] + ([second[0]] if second and second[0] != cl else [])
    center_cluster = cl if rng.random() < 0.8 else rng.choice(list(TAXONOMY))
    return {
        "type": "engineer", "external_id": f"EV-E{n:03d}", "name": name + "工",
        "center": f"{CENTER_CITY[center_cluster]}{center_cluster}工程师协同创新中心",
        "title": rng.choice(TITLES), "skills": skills, "fields": fields, "bio": "".join(sentences),
        "region": CENTER_CITY[cl] if rng.random() < 0.5 else rng.choice(CITIES),
        "engagement": rng.choice(ENGAGEMENTS), "talent_level": rng.choice(TALENTS),
        "capacity": rng.randint(1, 4),
        "_primary": list(spec), "_secondary": list(second) if second else None,
    }


def _challenge(rng: random.Random, n: int, spec: tuple[str, str, str]) -> dict:
    cl, sf, cap = spec
    _, words, components, problems = TAXONOMY[cl][sf]
    component, problem = rng.choice(components), rng.choice(problems)
    need = rng.choice(CAPABILITIES[cap][1])
    company = rng.choice(COMPANY_HEAD) + rng.choice(["恒", "力", "达", "兴", "创", "远", "华", "信"]) + \
        rng.choice(["源", "拓", "达", "科", "瑞", "泰"]) + rng.choice(COMPANY_SUFFIX)
    description = (
        f"我司{component}在{rng.choice(['批量生产', '客户现场', '高负荷工况', '型式试验', '长期运行'])}中"
        f"出现{problem}，{rng.choice(['已影响交付', '客户投诉较多', '内部多次攻关未果', '制约新产品上市'])}。"
        f"希望揭榜方{need}，{rng.choice(['给出可落地的方案', '形成技术报告与样件', '现场验证效果', '三个月内完成'])}。"
    )
    return {
        "type": "challenge", "external_id": f"EV-C{n:03d}", "kind": "challenge",
        "title": f"{component}{problem}攻关", "description": description, "company": company,
        "fields": [cl], "skills": [rng.choice(words)], "region": CENTER_CITY[cl] if rng.random() < 0.6 else rng.choice(CITIES),
        "budget": rng.choice([100000, 200000, 300000, 500000, 800000]), "kpis": "",
        "_target": list(spec),
    }


def build(seed: int = SEED) -> list[dict]:
    rng = random.Random(seed)
    specs = _specialties()
    engineers = []
    for n in range(1, N_ENGINEERS + 1):
        spec = specs[(n - 1) % len(specs)] if n <= len(specs) * 2 else rng.choice(specs)
        second = rng.choice(specs) if rng.random() < 0.3 else None
        engineers.append(_engineer(rng, n, spec, second))
    challenge_specs = rng.sample(specs, N_CHALLENGES)
    challenges = [_challenge(rng, n, spec) for n, spec in enumerate(challenge_specs, start=1)]
    records: list[dict] = []
    records += [{k: v for k, v in e.items() if not k.startswith("_")} for e in engineers]
    records += [{k: v for k, v in c.items() if not k.startswith("_")} for c in challenges]
    for c in challenges:
        for e in engineers:
            g = grade(e, tuple(c["_target"]))
            if g:
                records.append({"type": "qrel", "challenge": c["external_id"], "engineer": e["external_id"], "grade": g})
    return records


def write(path: Path = OUT) -> int:
    records = build()
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "w", encoding="utf-8") as fh:
        for r in records:
            fh.write(json.dumps(r, ensure_ascii=False) + "\n")
    return len(records)


if __name__ == "__main__":
    print(write())
