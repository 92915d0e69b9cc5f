/* Window console: all text goes in through textContent (no markup from visitors is ever rendered). */
(function () {
  "use strict";
  var $ = function (id) { return document.getElementById(id); };
  var csrf = null, current = null, timer = null;
  var ROLE = { user: "群众", bot: "助手", staff: "工作人员", system: "系统" };

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

  function showDesk(me) {
    csrf = me.csrf;
    $("st-user").textContent = (me.display || me.user) + " · " + me.role + (me.window ? " · 窗口 " + me.window : "");
    if (me.window) $("st-window").value = me.window;
    $("st-login").classList.add("st-hidden");
    $("st-desk").classList.remove("st-hidden");
    $("st-logout").classList.remove("st-hidden");
    refresh();
    timer = setInterval(refresh, 2000);
  }

  function refresh() {
    api("GET", "/api/v1/staff/tickets").then(renderQueue).catch(onError);
    if (current) api("GET", "/api/v1/staff/tickets/" + encodeURIComponent(current)).then(renderTicket).catch(onError);
  }

  function renderQueue(list) {
    var ul = $("st-tickets");
    ul.textContent = "";
    $("st-empty").classList.toggle("st-hidden", list.length > 0);
    list.forEach(function (t) {
      var li = document.createElement("li"), b = document.createElement("button"), n = document.createElement("span");
      b.type = "button"; b.className = "st-ticket"; b.dataset.number = t.number;
      b.setAttribute("aria-current", t.number === current ? "true" : "false");
      n.className = "st-num"; n.textContent = t.number;
      b.appendChild(n);
      b.appendChild(document.createTextNode((t.service || "未识别事项") + " · " + t.channel + " · " + statusText(t.status)));
      b.addEventListener("click", function () { current = t.number; refresh(); });
      li.appendChild(b); ul.appendChild(li);
    });
  }

  function statusText(s) { return { waiting: "等候中", claimed: "处理中", called: "已叫号", closed: "已办结" }[s] || s; }

  function renderTicket(t) {
    $("st-title").textContent = "排队号 " + t.number + " · " + statusText(t.status);
    $("st-meta").textContent = "事项 " + (t.service || "未识别") + " · 渠道 " + t.channel + " · 窗口 " + t.window + (t.staff ? " · 处理人 " + t.staff : "");
    var box = $("st-transcript"), atBottom = box.scrollTop + box.clientHeight >= box.scrollHeight - 5;
    box.textContent = "";
    t.messages.forEach(function (m) {
      var p = document.createElement("p"), b = document.createElement("b");
      p.className = "st-msg st-" + m.role;
      b.textContent = (m.author && m.role === "staff" ? m.author : ROLE[m.role] || m.role) + "：";
      p.appendChild(b); p.appendChild(document.createTextNode(m.text));
      box.appendChild(p);
    });
    if (atBottom) box.scrollTop = box.scrollHeight;
    $("st-actions").classList.toggle("st-hidden", t.status === "closed");
  }

  function onError(e) {
    if (e.status === 401) { clearInterval(timer); location.reload(); return; }
    $("st-error").textContent = e.message;
  }

  function act(path, body) {
    $("st-error").textContent = "";
    return api("POST", "/api/v1/staff/tickets/" + encodeURIComponent(current) + path, body).then(renderTicket).catch(onError);
  }

  $("st-login").addEventListener("submit", function (ev) {
    ev.preventDefault();
    $("st-login-error").textContent = "";
    api("POST", "/api/v1/staff/login", { name: $("st-name").value, password: $("st-password").value })
      .then(function (me) { showDesk({ user: me.user, display: me.display_name, role: me.role, window: me.window, csrf: me.csrf }); })
      .catch(function (e) { $("st-login-error").textContent = e.message; });
  });
  $("st-logout").addEventListener("click", function () { api("POST", "/api/v1/staff/logout").then(function () { location.reload(); }); });
  $("st-claim").addEventListener("click", function () { act("/claim"); });
  $("st-call").addEventListener("click", function () { act("/call", { window: $("st-window").value || "Z01" }); });
  $("st-reply-form").addEventListener("submit", function (ev) {
    ev.preventDefault();
    var text = $("st-reply").value.trim();
    if (!text) return;
    act("/reply", { text: text }).then(function () { $("st-reply").value = ""; });
  });
  $("st-close-form").addEventListener("submit", function (ev) {
    ev.preventDefault();
    act("/close", { outcome: $("st-outcome").value.trim() || "已解答" }).then(function () { $("st-outcome").value = ""; });
  });

  api("GET", "/api/v1/staff/me").then(showDesk).catch(function () { /* not logged in: the login form stays */ });
})();
