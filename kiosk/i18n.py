"""Interface strings (zh/en). Answers themselves come from the backend in the reply's language."""

from __future__ import annotations

STRINGS: dict[str, dict[str, str]] = {
    "zh": {
        "ask": "我要咨询", "ask_sub": "说出或输入您要办的事",
        "by_topic": "按主题查找", "by_topic_sub": "身份证件、户籍、社保……",
        "by_event": "按一件事查找", "by_event_sub": "出生、结婚、退休……",
        "human": "人工服务", "human_sub": "取号，到窗口由工作人员办理",
        "lang_toggle": "English", "large": "大字", "normal": "标准字",
        "home": "首页", "back": "返回", "send": "提问", "clear": "清空", "speak": "朗读", "stop": "停止",
        "suggested": "大家都在问", "type_here": "请用下方键盘输入，或点选常见问题",
        "materials": "申请材料（请逐项核对）", "required": "必备", "conditional": "视情况",
        "steps": "办理流程", "time": "办理时限", "fee": "收费", "free": "不收费", "window": "办理窗口",
        "hours": "办理时间", "visits": "跑动次数", "online": "网上办理", "scan": "用手机扫码，网上办理",
        "scan_full": "用手机扫码，全程网上办理", "scan_partial": "用手机扫码，网上申报（仍需到现场）",
        "scan_booking": "用手机扫码，网上预约（不能网上办理）",
        "level_full": "可全程网办", "level_partial": "部分可网办", "level_booking": "可网上预约", "level_none": "需到窗口",
        "no_online": "本事项需到窗口办理", "days": "个工作日", "days_calendar": "日", "spot": "当场办结", "wait": "受理后须等待{n}日，期满后再次到场", "visits_n": "最多跑{n}次", "visits_0": "零跑动，可全程网办",
        "ask_about": "咨询这项业务", "book": "预约到场办理", "done": "完成",
        "rate_title": "请为本次服务评价", "rate_sub": "您的评价会帮助我们改进服务", "rate_thanks": "感谢您的评价！",
        "skip": "跳过", "offline": "服务器连接中断，已切换到本机离线模式", "loading": "正在查询，请稍候……",
        "continue": "继续提问", "error": "抱歉，暂时无法回答，请稍后再试或选择人工服务。",
        "categories": "按主题查找", "life_events": "按一件事查找", "guides_of": "{name}", "count": "{n} 项",
        "sample": "示例数据（示例市），非真实办事依据", "keyboard_zh": "中", "keyboard_en": "EN",
        "space": "空格", "updated": "更新于 {d}", "welcome": "您好，请问要办理什么业务？",
        "idle_warning": "您还在使用吗？{n} 秒后将清除本次查询并回到首页。点此继续",
    },
    "en": {
        "ask": "Ask a question", "ask_sub": "Type what you need to do",
        "by_topic": "Browse by topic", "by_topic_sub": "ID, household, social security…",
        "by_event": "Browse by life event", "by_event_sub": "Birth, marriage, retirement…",
        "human": "Talk to a person", "human_sub": "Take a number for a service window",
        "lang_toggle": "中文", "large": "Large text", "normal": "Normal text",
        "home": "Home", "back": "Back", "send": "Ask", "clear": "Clear", "speak": "Read aloud", "stop": "Stop",
        "suggested": "Common questions", "type_here": "Type with the keyboard below, or tap a common question",
        "materials": "Materials (tick them off)", "required": "Required", "conditional": "If applicable",
        "steps": "Steps", "time": "Time limit", "fee": "Fee", "free": "Free", "window": "Windows",
        "hours": "Hours", "visits": "Visits", "online": "Online", "scan": "Scan with your phone to apply online",
        "scan_full": "Scan with your phone to do it all online", "scan_partial": "Scan to start online (a visit is still needed)",
        "scan_booking": "Scan to book a slot (it cannot be applied for online)",
        "level_full": "Fully online", "level_partial": "Partly online", "level_booking": "Book online", "level_none": "At the window",
        "no_online": "This service is handled at a window", "days": " working days", "days_calendar": " calendar days", "spot": "Done on the spot", "wait": "Wait {n} days after acceptance, then come back", "visits_n": "At most {n} visit(s)",
        "visits_0": "No visit needed: fully online", "ask_about": "Ask about this service", "book": "Book a visit",
        "done": "Done",
        "rate_title": "Please rate our service", "rate_sub": "Your rating helps us improve", "rate_thanks": "Thank you!",
        "skip": "Skip", "offline": "Server unreachable: switched to offline mode on this kiosk",
        "loading": "Looking that up…", "continue": "Ask more",
        "error": "Sorry, no answer right now. Please try again or talk to a person.",
        "categories": "Browse by topic", "life_events": "Browse by life event", "guides_of": "{name}", "count": "{n}",
        "sample": "Sample data (fictional Shili City), not for real applications", "keyboard_zh": "中",
        "keyboard_en": "EN", "space": "space", "updated": "Updated {d}", "welcome": "Hello, how can I help you?",
        "idle_warning": "Still there? This visit will be cleared in {n} s. Tap here to continue",
    },
}  # fmt: skip

SUGGESTED: dict[str, list[str]] = {
    "zh": ["身份证过期了怎么换", "身份证丢了怎么办", "新生儿怎么上户口", "办护照要带什么", "怎么提取公积金付房租", "开个体户要什么材料"],
    "en": ["How do I renew my ID card?", "I lost my ID card", "How to register a newborn", "What do I need for a passport?"],
}


def strings(lang: str) -> dict[str, str]:
    return STRINGS.get(lang, STRINGS["zh"])
