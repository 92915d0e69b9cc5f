/* Window console: today's bookings per window area, and checking a booked visitor in (a priority
 * queue number, which then shows in the queue). Text goes in through textContent only. */
(function () {
  "use strict";
  var $ = function (id) { return document.getElementById(id); };
  var STATUS = { booked: "已预约", checked_in: "已签到", no_show: "未到场", cancelled: "已取消" };
  var csrf = null, timer = null;

  function api(method, path) {
    var headers = { "Content-Type": "application/json" };
    if (csrf) headers["X-CSRF-Token"] = csrf;
    return fetch(path, { method: method, headers: headers, credentials: "same-origin" }).then(function (r) {
      return r.json().catch(function () { return {}; }).then(function (data) {
        if (!r.ok) throw new Error(typeof data.detail === "string" ? data.detail : "请求失败 (" + r.status + ")");
        return data;
      });
    });
  }

  function cell(tr, text) { var td = document.createElement("td"); td.textContent = text; tr.appendChild(td); return td; }

  function render(data) {
    var box = $("st-booking-areas");
    box.textContent = "";
    var areas = Object.keys(data.areas || {});
    if (!areas.length) { var p = document.createElement("p"); p.className = "st-muted"; p.textContent = "今日暂无预约 No bookings today"; box.appendChild(p); return; }
    areas.forEach(function (area) {
      var h = document.createElement("h3"); h.textContent = area + " 区 Area " + area + "（" + data.areas[area].length + "）";
      var table = document.createElement("table"), head = document.createElement("tr");
      ["时段 Time", "预约码 Code", "事项 Service", "预约人 Name", "手机 Mobile", "状态 Status", ""].forEach(function (t) {
        var th = document.createElement("th"); th.scope = "col"; th.textContent = t; head.appendChild(th);
      });
      table.appendChild(head);
      data.areas[area].forEach(function (b) {
        var tr = document.createElement("tr");
        tr.dataset.code = b.code;
        cell(tr, b.start + "-" + b.end); cell(tr, b.code); cell(tr, b.service); cell(tr, b.name || ""); cell(tr, b.mobile || "");
        cell(tr, (STATUS[b.status] || b.status) + (b.ticket ? " · " + b.ticket : ""));
        var td = cell(tr, "");
        if (b.status === "booked") {
          var btn = document.createElement("button");
          btn.type = "button"; btn.className = "st-btn"; btn.textContent = "签到 Check in";
          btn.setAttribute("aria-label", "签到 Check in " + b.code);
          btn.addEventListener("click", function () { checkIn(b.code); });
          td.appendChild(btn);
        }
        table.appendChild(tr);
      });
      box.appendChild(h); box.appendChild(table);
    });
  }

  function load() {
    var day = $("st-booking-day").value, q = day ? "?date=" + encodeURIComponent(day) : "";
    api("GET", "/api/v1/staff/appointments/today" + q).then(render).catch(function (e) { $("st-booking-result").textContent = e.message; });
  }

  function checkIn(code) {
    code = (code || "").trim().toUpperCase();
    if (!code) { $("st-booking-result").textContent = "请输入预约码"; return; }
    api("POST", "/api/v1/staff/appointments/" + encodeURIComponent(code) + "/check-in").then(function (b) {
      $("st-booking-result").textContent = b.message || ("已签到 " + b.code);
      load();
    }).catch(function (e) { $("st-booking-result").textContent = e.message; });
  }

  function start() {
    // the console's own script logs in; this panel follows once the desk is shown
    var desk = $("st-desk");
    if (!desk || desk.classList.contains("st-hidden")) { setTimeout(start, 1000); return; }
    api("GET", "/api/v1/staff/me").then(function (me) {
      csrf = me.csrf;
      if (me.role !== "staff" && me.role !== "admin") { $("st-bookings").classList.add("st-hidden"); return; }
      load();
      clearInterval(timer);
      timer = setInterval(load, 15000);
    }).catch(function () { setTimeout(start, 2000); });
  }

  $("st-booking-day").addEventListener("change", load);
  $("st-checkin").addEventListener("click", function () { checkIn($("st-booking-code").value); });
  $("st-booking-code").addEventListener("keydown", function (e) { if (e.key === "Enter") { e.preventDefault(); checkIn(e.target.value); } });
  start();
})();
