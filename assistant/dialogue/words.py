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
    "out_of_hall": ("抱歉，这件事不在本中心的办理范围内，我这里没有对应的办事指南。",
                    "Sorry, that matter is not handled at this service center; I have no guide for it."),
    "offer_person": ("如需进一步咨询，可以点“转人工”。", "To ask a member of staff, tap \"Talk to a person\"."),
    # the personal checklist
    "as_self": ("本人办理", "Applying myself"),
    "as_agent": ("代他人办理", "Applying for someone else"),
    "ask_agent": ("您是本人办理，还是代他人办理？点选一项，我给您列出对应的材料清单。",
                  "Are you applying yourself or for someone else? Tap one and I will list exactly what you need."),
    "moved_material": ("已列入必备：{name}（{reason}；{condition}）", "Now in your list: {name} ({reason}; {condition})"),
    "because_agent": ("您是代他人办理", "you apply for someone else"),
    "because_self": ("您是本人办理", "you apply yourself"),
    "because_minor": ("您是为孩子办理", "you apply for a child"),
    "because_nonlocal": ("您不是本地户籍", "your hukou is not local"),
    "because_lost": ("您的证件遗失了", "yours was lost"),
    "because_damaged": ("您的证件损坏了", "yours is damaged"),
    "because_first": ("您是首次办理", "it is your first application"),
    "because_renewal": ("您是换证/续办", "you are renewing"),
    "no_match": ("抱歉，我没找到与您的问题对应的事项。您可以换个说法（例如“营业执照丢了怎么补”），或点“转人工”由窗口工作人员为您解答。",
                 "Sorry, I could not find a matching service. Try other words (e.g. \"lost business licence\"), or talk to a person at a window."),
    "clarify": ("您想办理的是以下哪一项？请点选或回复序号：", "Which of these do you mean? Tap one or reply with its number:"),
    "handoff": ("已为您转接人工服务。", "I have passed your conversation to a member of staff."),
    "empty": ("请输入您想咨询的问题，例如“社保卡丢了怎么办”。", "Please type your question, e.g. \"I lost my social security card\"."),
    "need_service": ("请问您要办理哪项业务？例如“居住证”“护照”。", "Which service do you mean? For example \"residence permit\" or \"passport\"."),
    "choice_human": ("转人工", "Talk to a person"),
    "faq_head": ("常见问题：{question}", "FAQ: {question}"),
    "faq_source_hall": ("来源：示例市政务服务中心常见问题（示例数据）", "Source: Shili City service center FAQ (sample data)"),
    "picked_human": ("（点选：转人工）", "(tapped: talk to a person)"),
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
