/* Window console: all text goes in through textContent (no markup from visitors is ever rendered).
 *
 * The queue and the transcript are polled every 2 s and updated in place (what changed, nothing
 * else), so keyboard focus and scroll position stay where the member of staff left them. Only new
 * messages (and newly queued tickets) are said, once, through one polite live region. A reply being
 * typed is kept in localStorage per ticket, so it survives the end of a staff session. */
(function () {
  "use strict";
  var $ = function (id) { return document.getElementById(id); };
  var csrf = null, current = null, timer = null;
  var ROLE = { user: "群众", bot: "助手", staff: "工作人员", system: "系统" };
  var STATUS = { waiting: "等候中", claimed: "处理中", called: "已叫号", closed: "已办结" };
  var DRAFT = "st-draft:";
  var rows = Object.create(null); // ticket number -> {li, button, text}
  var seenTickets = null; // numbers already in the queue (null until the first list)
  var shown = { number: null, count: 0 }; // the transcript on screen: which ticket, how many messages

  function api(method, path, body) {
    var headers = { "Content-Type": "application/json" };
    if (csrf) headers["X-CSRF-Token"] = csrf;
    return fetch(path, { method: method, headers: headers, credentials: "same-origin", body: body ? JSON.stringify(body) : undefined })
      .then(function (r) {
        return r.json().catch(function () { return {}; }).then(function (data) {
          if (!r.ok) { var e = new Error(typeof data.detail === "string" ? data.detail : "请求失败 (" + r.status + ")"); e.status = r.status; throw e; }
          return data;
        });
      });
  }

  function announce(text) {
    var live = $("st-announce");
    // a fresh text node each time, so the same words said twice are said again
    live.textContent = "";
    setTimeout(function () { live.textContent = text; }, 50);
  }

  function storage() { try { return window.localStorage; } catch (e) { return null; } }
  function draftGet(number) { var s = storage(); try { return s ? s.getItem(DRAFT + number) || "" : ""; } catch (e) { return ""; } }
  function draftSet(number, text) {
    var s = storage();
    if (!s || !number) return;
    try { if (text) s.setItem(DRAFT + number, text); else s.removeItem(DRAFT + number); } catch (e) { /* storage full or off */ }
  }

  function showDesk(me) {
    csrf = me.csrf;
    $("st-user").textContent = (me.display || me.user) + " · " + me.role + (me.window ? " · 窗口 " + me.window : "");
    if (me.window && !$("st-window").value) $("st-window").value = me.window;
    $("st-login").classList.add("st-hidden");
    $("st-desk").classList.remove("st-hidden");
    $("st-logout").classList.remove("st-hidden");
    $("st-login-error").textContent = "";
    refresh();
    clearInterval(timer);
    timer = setInterval(refresh, 2000);
  }

  function refresh() {
    api("GET", "/api/v1/staff/tickets").then(renderQueue).catch(onError);
    if (current) api("GET", "/api/v1/staff/tickets/" + encodeURIComponent(current)).then(renderTicket).catch(onError);
  }

  function rowText(t) { return (t.service || "未识别事项") + " · " + t.channel + " · " + statusText(t.status); }

  function makeRow(t) {
    var li = document.createElement("li"), b = document.createElement("button"), n = document.createElement("span");
    var text = document.createElement("span");
    b.type = "button"; b.className = "st-ticket"; b.dataset.number = t.number;
    n.className = "st-num"; n.textContent = t.number;
    b.appendChild(n); b.appendChild(text);
    b.addEventListener("click", function () { choose(t.number); });
    li.appendChild(b);
    return { li: li, button: b, text: text };
  }

  function renderQueue(list) {
    var ul = $("st-tickets"), focused = document.activeElement, fresh = [];
    var keep = Object.create(null);
    list.forEach(function (t, i) {
      keep[t.number] = true;
      var row = rows[t.number];
      if (!row) { row = rows[t.number] = makeRow(t); if (seenTickets && !seenTickets[t.number]) fresh.push(t.number); }
      var text = rowText(t);
      if (row.text.textContent !== text) row.text.textContent = text;
      var cur = t.number === current ? "true" : "false";
      if (row.button.getAttribute("aria-current") !== cur) row.button.setAttribute("aria-current", cur);
      if (ul.children[i] !== row.li) ul.insertBefore(row.li, ul.children[i] || null);
    });
    Object.keys(rows).forEach(function (number) {
      if (!keep[number]) { var li = rows[number].li; if (li.parentNode) li.parentNode.removeChild(li); delete rows[number]; }
    });
    if (focused && focused !== document.activeElement && focused.isConnected) focused.focus({ preventScroll: true });
    $("st-empty").classList.toggle("st-hidden", list.length > 0);
    seenTickets = keep;
    if (fresh.length) announce("新排队 " + fresh.join("、"));
  }

  function statusText(s) { return STATUS[s] || s; }

  function choose(number) {
    current = number;
    Object.keys(rows).forEach(function (n) { rows[n].button.setAttribute("aria-current", n === number ? "true" : "false"); });
    api("GET", "/api/v1/staff/tickets/" + encodeURIComponent(number)).then(renderTicket).catch(onError);
  }

  function messageNode(m) {
    var p = document.createElement("p"), b = document.createElement("b");
    p.className = "st-msg st-" + m.role;
    b.textContent = (m.author && m.role === "staff" ? m.author : ROLE[m.role] || m.role) + "：";
    p.appendChild(b); p.appendChild(document.createTextNode(m.text));
    return p;
  }

  function setText(id, text) { var n = $(id); if (n.textContent !== text) n.textContent = text; }

  function renderTicket(t) {
    if (t.number !== current) return; // a late answer for a ticket no longer on screen
    setText("st-title", "排队号 " + t.number + " · " + statusText(t.status));
    setText("st-meta", "事项 " + (t.service || "未识别") + " · 渠道 " + t.channel + " · 窗口 " + t.window + (t.staff ? " · 处理人 " + t.staff : ""));
    var box = $("st-transcript"), atBottom = box.scrollTop + box.clientHeight >= box.scrollHeight - 5;
    var same = shown.number === t.number && shown.count <= t.messages.length;
    if (!same) { box.textContent = ""; shown = { number: t.number, count: 0 }; atBottom = true; }
    var added = t.messages.slice(shown.count);
    added.forEach(function (m) { box.appendChild(messageNode(m)); });
    if (same && added.length) {
      var from = added.filter(function (m) { return m.role !== "staff"; });
      if (from.length) announce(t.number + " " + from.map(function (m) { return (ROLE[m.role] || m.role) + "：" + m.text; }).join("；"));
    }
    shown.count = t.messages.length;
    if (atBottom && added.length) box.scrollTop = box.scrollHeight;
    if (!same) {
      var reply = $("st-reply"), draft = draftGet(t.number);
      reply.value = draft;
    }
    $("st-actions").classList.toggle("st-hidden", t.status === "closed");
    return t;
  }

  function onError(e) {
    if (e.status === 401) { sessionEnded(); return; }
    $("st-error").textContent = e.message;
  }

  /** The staff session ended (expired or logged out elsewhere): log in again here; the draft stays. */
  function sessionEnded() {
    clearInterval(timer); timer = null; csrf = null;
    if (current) draftSet(current, $("st-reply").value);
    $("st-desk").classList.add("st-hidden");
    $("st-logout").classList.add("st-hidden");
    $("st-login").classList.remove("st-hidden");
    $("st-login-error").textContent = "登录已过期，请重新登录（未发送的回复已保留） Session ended: log in again (your unsent reply is kept)";
    $("st-password").value = "";
    ($("st-name").value ? $("st-password") : $("st-name")).focus(); // the name is still there: the password is next
  }

  function act(path, body) {
    $("st-error").textContent = "";
    return api("POST", "/api/v1/staff/tickets/" + encodeURIComponent(current) + path, body).then(renderTicket).catch(function (e) { onError(e); return null; });
  }

  $("st-login").addEventListener("submit", function (ev) {
    ev.preventDefault();
    $("st-login-error").textContent = "";
    api("POST", "/api/v1/staff/login", { name: $("st-name").value, password: $("st-password").value })
      .then(function (me) {
        showDesk({ user: me.user, display: me.display_name, role: me.role, window: me.window, csrf: me.csrf });
        $("st-queue-title").focus(); // focus goes where the work is, not back to the top of the page
      })
      .catch(function (e) { $("st-login-error").textContent = e.message; });
  });
  $("st-logout").addEventListener("click", function () { api("POST", "/api/v1/staff/logout").then(function () { location.reload(); }); });
  $("st-claim").addEventListener("click", function () { act("/claim"); });
  $("st-call").addEventListener("click", function () { act("/call", { window: $("st-window").value || "Z01" }); });
  $("st-reply").addEventListener("input", function () { draftSet(current, $("st-reply").value); });
  $("st-reply-form").addEventListener("submit", function (ev) {
    ev.preventDefault();
    var text = $("st-reply").value.trim(), number = current;
    if (!text) return;
    act("/reply", { text: text }).then(function (t) {
      if (!t) return; // not sent: the text stays in the box and in the draft
      draftSet(number, null);
      if (current === number) $("st-reply").value = "";
    });
  });
  $("st-close-form").addEventListener("submit", function (ev) {
    ev.preventDefault();
    act("/close", { outcome: $("st-outcome").value.trim() || "已解答" }).then(function (t) { if (t) $("st-outcome").value = ""; });
  });

  api("GET", "/api/v1/staff/me").then(showDesk).catch(function () { /* not logged in: the login form stays */ });
})();
