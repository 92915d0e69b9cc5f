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
    # appointments (预约)
    "appt_pick_slot": ("{service}（{hall}，{windows} 窗口）{day} 还可预约的时段如下，请点选：",
                       "Free times for {service} ({hall}, windows {windows}) on {day}. Tap one:"),
    "appt_no_slots": ("抱歉，{service}近{days}天已约满或不开放预约，请直接到窗口取号办理。",
                      "Sorry, {service} has no free times in the next {days} days; please take a number at the hall."),
    "appt_need_service": ("请问您要预约办理哪项业务？例如“预约明天上午办护照”。",
                          "Which service would you like to book? For example \"book a time for my passport tomorrow morning\"."),
    "appt_ask_name": ("已为您选定 {day} {start}-{end}。请告诉我预约人的姓名：", "You picked {day} {start}-{end}. What name should the booking be under?"),
    "appt_ask_mobile": ("请输入预约人的手机号码（11位），用于到场签到核对：", "Please type the mobile number (11 digits) for check-in:"),
    "appt_confirmed": ("预约成功！预约码 {code}。请于 {day} {start}-{end} 到{hall} {windows} 窗口签到，凭预约码优先取号。请带好：{materials}。",
                       "Booked! Your code is {code}. Please come on {day} {start}-{end} to {hall}, windows {windows}; check in with the code for a priority number. Bring: {materials}."),
    "appt_left": ("已退出预约。还有什么可以帮您？", "Booking stopped. Anything else I can help with?"),
    "appt_choice_other_day": ("换一天", "Another day"),
    "appt_unknown_service": ("没有这个事项，请检查事项编码。", "There is no such service; check the service id."),
    "appt_no_visit": ("该事项可全程网上办理，无需到现场，因此不需要预约。网上办理入口：{url}",
                      "This service can be done entirely online, so there is no visit to book. Online: {url}"),
    "appt_past": ("这个时段已经过去，请选择今天之后尚未开始的时段。", "That time has passed; please choose a time that has not started yet."),
    "appt_too_far": ("只能预约今后 {days} 天内的时段。", "You can book up to {days} days ahead."),
    "appt_closed": ("该时段不开放预约（休息日、节假日或不在办理时间内），请换一个时段。",
                    "That time is not open for booking (closed day, holiday or outside opening hours); please choose another."),
    "appt_bad_slot": ("时段格式不对，应为 2026-12-03T09:00 这样的形式。", "The time slot must look like 2026-12-03T09:00."),
    "appt_bad_date": ("日期格式不对，应为 2026-12-03 这样的形式。", "The date must look like 2026-12-03."),
    "appt_full": ("抱歉，这个时段刚刚约满了，请换一个时段。", "Sorry, that time has just been fully booked; please choose another."),
    "appt_bad_mobile": ("手机号码格式不对，请输入 11 位手机号，例如 13812345678。", "That is not a mobile number; please type 11 digits, e.g. 13812345678."),
    "appt_bad_name": ("姓名格式不对：请输入 1-40 个字的姓名，不含数字或符号。", "Please type a name of 1-40 letters, without digits or symbols."),
    "appt_bad_code": ("预约码格式不对：预约码是 8 位字母和数字，例如 K7M3Q9TX。", "A booking code has 8 letters and digits, e.g. K7M3Q9TX."),
    "appt_bad_check": ("请提供预约手机号的后四位数字。", "Please give the last four digits of the booking's mobile number."),
    "appt_not_found": ("没有找到与该预约码和手机号后四位对应的预约。", "No booking matches that code and those last four digits."),
    "appt_not_active": ("该预约已取消、已签到或已过期，不能再修改。", "That booking was cancelled, checked in or has expired; it can no longer be changed."),
    "appt_not_today": ("该预约不是今天的，不能签到。", "That booking is not for today, so it cannot be checked in."),
    "appt_status_booked": ("已预约", "Booked"),
    "appt_status_cancelled": ("已取消", "Cancelled"),
    "appt_status_checked_in": ("已签到", "Checked in"),
    "appt_status_no_show": ("未到场", "No-show"),
    # case progress (进度查询)
    "case_ask": ("请提供您的受理号（在受理回执上，例如 SL202611200001），以及申请人身份证号或手机号的后四位，例如“SL202611200001 1234”。",
                 "Please give your case number (on the receipt, e.g. SL202611200001) and the last four digits of the applicant's ID or mobile, e.g. \"SL202611200001 1234\"."),
    "case_ask_check": ("请再提供申请人身份证号或手机号的后四位：", "Now the last four digits of the applicant's ID or mobile, please:"),
    "case_unavailable": ("暂时查不到，请稍后或到窗口查询。", "We cannot look this up right now; please try again later or ask at a window."),
    "case_not_found": ("没有查到与该受理号和后四位对应的办件，请核对后再试，或到窗口查询。",
                       "No case matches that number and those four digits; please check them, or ask at a window."),
    "case_too_many": ("查询次数过多，请一小时后再试，或到窗口查询。", "Too many look-ups; please try again in an hour, or ask at a window."),
    "case_bad_input": ("受理号或后四位格式不对：受理号如 SL202611200001，后四位为 4 位数字（身份证末位可为 X）。",
                       "The case number (e.g. SL202611200001) or the last four digits (4 digits; an ID may end in X) are not right."),
    "case_answer": ("受理号 {number}（{service}）：{status}，更新于 {date}。{next}", "Case {number} ({service}): {status}, updated {date}. {next}"),
    "case_status_received": ("已受理", "received"),
    "case_status_reviewing": ("审核中", "under review"),
    "case_status_ready": ("已办结，待领取", "done, ready for collection"),
    "case_status_posted": ("已办结，已邮寄", "done and posted"),
    "case_status_rejected": ("未通过（需补正材料）", "not approved (documents needed)"),
    "case_next_received": ("下一步：等待审核，无需操作。", "Next: it waits for review; nothing to do."),
    "case_next_reviewing": ("下一步：审核完成后将短信通知您。", "Next: you will get a text message when the review is done."),
    "case_next_ready": ("下一步：请携带受理回执和身份证到 {window} 窗口领取。", "Next: collect it at window {window} with your receipt and ID card."),
    "case_next_posted": ("下一步：已邮寄，快递单号 {tracking}，请注意查收。", "Next: it has been posted; tracking number {tracking}."),
    "case_next_rejected": ("下一步：请到 {window} 窗口了解需补正的材料。", "Next: ask at window {window} which documents are needed."),
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
