"""The one catalogue of words: every sentence and label the assistant says to a citizen or to staff,
keyed by language. Channels render what they receive; none writes a sentence of its own, so a
wording is fixed here once and every channel (widget, kiosk, Rasa, CLI, consoles) says it the same."""

from __future__ import annotations

LANGS = ("zh", "en")

WORDS: dict[str, tuple[str, str]] = {
    # conversation
    "greet": ("您好！我是示例市政务服务中心的智能导办。请说说您要办什么事，例如“身份证丢了怎么补办”。",
              "Hello! I am the Shili City service center assistant. Tell me what you need to do, e.g. \"I lost my ID card\"."),
    "goodbye": ("再见，祝您办事顺利！如还有问题，随时问我。", "Goodbye, and good luck! Ask me any time."),
    "out_of_scope": ("抱歉，这个问题不在政务服务范围内。我可以帮您查询证件、户籍、社保、医保、公积金、企业开办等事项怎么办理；也可以为您转人工。",
                     "Sorry, that is outside what the service center handles. I can help with ID, household, social security, insurance, housing fund, business and other services, or connect you to a person."),
    "no_match": ("抱歉，我没找到与您的问题对应的事项。您可以换个说法（例如“营业执照丢了怎么补”），或点“转人工”由窗口工作人员为您解答。",
                 "Sorry, I could not find a matching service. Try other words (e.g. \"lost business licence\"), or talk to a person at a window."),
    "clarify": ("您想办理的是以下哪一项？请点选或回复序号：", "Which of these do you mean? Tap one or reply with its number:"),
    "handoff": ("已为您转接人工服务。", "I have passed your conversation to a member of staff."),
    "empty": ("请输入您想咨询的问题，例如“社保卡丢了怎么办”。", "Please type your question, e.g. \"I lost my social security card\"."),
    "need_service": ("请问您要办理哪项业务？例如“居住证”“护照”。", "Which service do you mean? For example \"residence permit\" or \"passport\"."),
    "choice_human": ("转人工", "Talk to a person"),
    "picked_human": ("（点选：转人工）", "(tapped: talk to a person)"),
    # can it be done online: one wording per online level (assistant/kb/schema.py OnlineLevel)
    "online_full": ("网上办理：可全程网上办理，不用到现场。入口 {url}", "Online: can be done fully online; no need to come in. At {url}"),
    "online_partial": ("网上办理：部分环节可网上办理（{steps}），但仍需到现场{visits}次。入口 {url}",
                       "Online: you can {steps} online at {url}, but you still need to come in ({visits} visit(s))."),
    "online_partial_plain": ("网上办理：部分环节可在网上办理，但仍需到现场{visits}次。入口 {url}",
                             "Online: some steps can be done online at {url}, but you still need to come in ({visits} visit(s))."),
    "online_partial_paths": ("网上办理：部分环节可网上办理（{steps}），还要不要到现场要看您的情况（见跑动次数）。入口 {url}",
                             "Online: some steps can be done online at {url}; whether you still need to come in depends on your case (see visits)."),
    "online_booking": ("网上办理：不能在网上申请办理，须到窗口办理；网上只能预约或查询（{steps}）。入口 {url}",
                       "Online: this cannot be applied for online; apply at the window. You can book online ({steps}) at {url}."),
    "online_booking_plain": ("网上办理：不能在网上申请办理，须到窗口办理；网上只能预约。入口 {url}",
                             "Online: this cannot be applied for online; apply at the window. You can book online at {url}."),
    "online_none": ("网上办理：暂不支持网上办理，只能到窗口办理。", "Online: not available; apply at the window only."),
    "online_app": ("，也可用{app}", "; also on {app}"),
    # the short label of an online level: life-event lists, badges, the link and the QR caption
    "level_full": ("可全程网办", "fully online"),
    "level_partial": ("部分可网办", "partly online"),
    "level_booking": ("可网上预约", "book online"),
    "level_none": ("需到窗口", "at the window"),
    "link_full": ("网上办理", "Apply online"),
    "link_partial": ("网上申报", "Start online"),
    "link_booking": ("网上预约", "Book online"),
    "qr_full": ("用手机扫码，全程网上办理", "Scan with your phone to do it all online"),
    "qr_partial": ("用手机扫码，网上申报（仍需到现场）", "Scan to start online (a visit is still needed)"),
    "qr_booking": ("用手机扫码，网上预约（不能网上办理）", "Scan to book a slot (it cannot be applied for online)"),
    # visits
    "visits_path": ("{when}跑{n}次", "{n} visit(s) if you {when}"),
    "visits_else": ("跑动次数：{paths}，否则{n}次", "Visits: {paths}; otherwise {n}"),
    # materials
    "one_of": ("以下任选其一", "any one of the following"),
    "notes_head": ("注意：", "Note: "),
    # time limits
    "days_working": ("{n}个工作日", "{n} working days"),
    "days_calendar": ("{n}日", "{n} calendar days"),
    "time_legal": ("法定时限{days}，", "Legal limit: {days}. "),
    "time_legal_spot": ("依法当场办理，", "By law done on the spot. "),
    "time_promised": ("承诺{days}内办结", "within {days}"),
    "time_spot": ("当场办结", "done on the spot"),
    "time_wait": ("受理后须先等待{days}，期满后再次到场办结", "after acceptance you must wait {days}, then come back to finish"),
    # tickets: told once, in the visitor's language
    "ticket_title": ("您的排队号", "Your number"),
    "ticket_summary": ("您的排队号是 {number}，请到 {window} 窗口办理，预计等待约 {wait} 分钟。工作人员也可能在此直接回复您。",
                       "Your number is {number}. Please go to window {window}; about {wait} min wait. A member of staff may also reply here."),
    "ticket_unstaffed_title": ("请到一楼服务台取号", "Please take a number at the front desk"),
    "ticket_unstaffed": ("目前无法连接排队系统，这里不能取号。请到一楼服务台，工作人员会为您取号办理。",
                         "The queue system cannot be reached from here, so no number can be issued. Please go to the front desk on the ground floor; staff will give you a number."),
    "status_waiting": ("排队中", "Waiting"),
    "status_claimed": ("工作人员已接手", "A member of staff has joined"),
    "status_called": ("请到窗口", "Please come to the window"),
    "status_closed": ("已结束", "Finished"),
    "status_no_queue": ("未取号", "No number issued"),
    "staff_claimed": ("工作人员{staff}已接手您的咨询。", "{staff} from the service center has joined."),
    "staff_called": ("请 {number} 号到 {window} 窗口办理。", "Number {number}, please come to window {window}."),
    "staff_closed": ("本次人工服务已结束，请为我们的服务评价。", "This conversation with staff has ended. Please rate our service."),
    "staff_label": ("工作人员 {staff}", "Staff {staff}"),
    "staff_says": ("{speaker}：{text}", "{speaker}: {text}"),
    # what staff read in a transcript (the console is in Chinese)
    "log_claimed": ("{staff} 接手了对话", "{staff} took over the conversation"),
    "log_called": ("请 {number} 号到 {window} 窗口办理", "Number {number} called to window {window}"),
    "log_closed": ("已办结：{outcome}", "Closed: {outcome}"),
    # errors a channel reports
    "error_empty": ("请输入您的问题。", "Please type your question."),
    "error_too_many": ("消息太频繁，请稍后再试。", "Too many messages; please wait a moment."),
    "error_bad_message": ("消息格式不对：请发送 {{\"type\": \"message\", \"text\": \"...\"}}，1-500 个字。",
                          "Send {{\"type\": \"message\", \"text\": \"...\"}} with 1-500 characters."),
}  # fmt: skip


def say(key: str, lang: str, **values: object) -> str:
    """The sentence ``key`` in ``lang`` (Chinese unless English is asked for), filled with ``values``."""
    zh, en = WORDS[key]
    text = en if lang == "en" else zh
    return text.format(**values) if values else text.replace("{{", "{").replace("}}", "}")
