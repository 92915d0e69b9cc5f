/* Curator console: guides (draft, preview, publish, versions, rollback), review queue, traces, batch
 * test, analytics, knowledge import/export, audit log, accounts.
 * Every piece of server or user text goes in through textContent / createTextNode, never as markup. */
(function () {
  "use strict";
  var $ = function (id) { return document.getElementById(id); };
  var SVG = "http://www.w3.org/2000/svg";
  var state = { me: null, csrf: null, guides: [], current: null, loaded: null, dirty: false, polling: null };

  // --- the form, from the guide schema the server publishes (GET /api/v1/admin/schema) --------------
  // Only the layout is written here: which section a field sits in, and display names of enum values.
  // Kinds, labels, options and defaults come from the schema, so a field added to the schema appears
  // in the editor (in "其他字段" when no section names it) without touching this file.
  var LAYOUT = [
    ["基本信息 Basic", ["id", "name", "name_en", "department", "department_en", "category", "case_type", "scope", "sample", "status", "updated_at", "updated_by"]],
    ["说明 Description", ["summary", "summary_en", "eligibility", "eligibility_en", "keywords", "life_events", "legal_basis"]],
    ["申请材料 Materials", ["materials"]],
    ["办理 Processing", ["steps", "time_limit", "fee", "channels", "online_level", "online_url", "visits", "appointment"]],
    ["地点与联系 Location & contact", ["location", "hours", "hours_en", "phone", "complaint_phone"]],
    ["常见问题 FAQ", ["faq"]]
  ];
  var READONLY = { id: true };  // the id of a guide cannot change
  var ENUM_NAMES = {
    on_the_spot: "即办件 on the spot", promised: "承诺件 promised", local: "本市通办 local", province: "全省通办 province",
    cross_province: "跨省通办 cross-province", draft: "草稿 draft", published: "已发布 published", original: "原件", copy: "复印件",
    original_and_copy: "原件及复印件", electronic: "电子证照", form: "申请表", on_site: "现场采集", paper: "纸质", either: "纸质或电子"
  };
  var SECTIONS = [], MATERIAL_COLUMNS = [], MATERIAL_KNOWN = {};

  function resolve(prop, defs) {
    if (prop.$ref) return resolve(defs[prop.$ref.split("/").pop()] || {}, defs);
    var some = (prop.anyOf || []).filter(function (x) { return x.type !== "null"; });
    if (some.length === 1) return resolve(some[0], defs);
    return prop;
  }
  // [key, label, kind, options]; kind: text | long | int | bool | date | url | enum | readonly | json | materials
  function fieldOf(key, prop, defs) {
    var r = resolve(prop, defs), label = (prop.title || r.title || key) + " " + key, kind = "json", options;
    if (READONLY[key]) kind = "readonly";
    else if (key === "materials") kind = "materials";
    else if (r.enum) { kind = "enum"; options = r.enum.map(function (v) { return [v, ENUM_NAMES[v] || v]; }); }
    else if (r.type === "boolean") kind = "bool";
    else if (r.type === "integer") kind = "int";
    else if (r.type === "string") kind = r.format === "uri" ? "url" : r.format === "date" ? "date" : (r.maxLength || 0) > 300 ? "long" : "text";
    else options = r.type === "array" ? [] : {};
    if (kind === "json") label += " (JSON)";
    return [key, label, kind, options];
  }
  function buildForm(schema) {
    var defs = schema.$defs || {}, props = schema.properties || {}, placed = {};
    SECTIONS = LAYOUT.map(function (section) {
      return [section[0], section[1].filter(function (k) { return props[k]; }).map(function (k) { placed[k] = true; return fieldOf(k, props[k], defs); })];
    });
    var rest = Object.keys(props).filter(function (k) { return !placed[k]; });
    if (rest.length) SECTIONS.push(["其他字段 Other fields", rest.map(function (k) { return fieldOf(k, props[k], defs); })]);
    var material = resolve((props.materials || {}).items || {}, defs).properties || {};
    MATERIAL_COLUMNS = Object.keys(material).map(function (k) { return fieldOf(k, material[k], defs); }).filter(function (c) { return c[2] !== "json"; });
    MATERIAL_KNOWN = {};
    MATERIAL_COLUMNS.forEach(function (c) { MATERIAL_KNOWN[c[0]] = true; });
  }

  // --- small helpers --------------------------------------------------------------------------------
  function el(tag, attrs, children) {
    var node = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (k) {
      var v = attrs[k];
      if (v === null || v === undefined || v === false) return;
      if (k === "text") node.textContent = v;
      else if (k === "className") node.className = v;
      else if (k in node && typeof v !== "string") node[k] = v;
      else node.setAttribute(k, v === true ? "" : String(v));
    });
    (children || []).forEach(function (c) { if (c !== null && c !== undefined) node.appendChild(typeof c === "string" ? document.createTextNode(c) : c); });
    return node;
  }
  function clear(node) { while (node.firstChild) node.removeChild(node.firstChild); return node; }
  function say(id, text, bad) { var n = $(id); n.textContent = text || ""; n.classList.toggle("cur-bad", !!bad); }
  function fmtTime(iso) { return iso ? String(iso).replace("T", " ").slice(0, 19) : ""; }
  function clone(x) { return JSON.parse(JSON.stringify(x)); }

  function errorMessage(status, data) {
    var d = data && data.detail;
    if (typeof d === "string") return d;
    if (d && typeof d.message === "string") return d.message;
    if (Array.isArray(d)) return d.map(function (x) { return x.msg || JSON.stringify(x); }).join("; ");
    return "请求失败 request failed (" + status + ")";
  }

  function api(method, path, body, isForm) {
    var headers = {};
    if (!isForm && body !== undefined) headers["Content-Type"] = "application/json";
    if (state.csrf && method !== "GET") headers["X-CSRF-Token"] = state.csrf;
    return fetch(path, { method: method, headers: headers, credentials: "same-origin", body: isForm ? body : (body !== undefined ? JSON.stringify(body) : undefined) })
      .then(function (r) {
        return r.json().catch(function () { return {}; }).then(function (data) {
          if (!r.ok) {
            var e = new Error(errorMessage(r.status, data));
            e.status = r.status; e.detail = data && data.detail;
            if (r.status === 401 && state.me) { sessionEnded(); }
            throw e;
          }
          return data;
        });
      });
  }

  function roleMessage(e, fallback) {
    if (e.status === 403 && !/CSRF/.test(e.message)) return "需要发布员权限 / needs the publisher role（" + e.message + "）";
    return (fallback ? fallback + "：" : "") + e.message;
  }

  function sessionEnded() {
    state.me = null;
    $("cur-app").classList.add("st-hidden");
    $("cur-logout").classList.add("st-hidden");
    $("cur-login").classList.remove("st-hidden");
    $("cur-user").textContent = "";
    $("cur-login-error").textContent = "登录已过期，请重新登录 Session expired, please log in again";
    $("cur-name").focus();
  }

  // --- login ----------------------------------------------------------------------------------------
  function start(me) {
    if (["curator", "publisher", "admin"].indexOf(me.role) < 0) {
      $("cur-login-error").textContent = "此账号无编辑权限 This account has no curator role (" + me.role + ")";
      return;
    }
    state.me = me; state.csrf = me.csrf;
    $("cur-user").textContent = (me.display || me.user) + " · " + me.role;
    $("cur-login").classList.add("st-hidden");
    $("cur-login-error").textContent = "";
    $("cur-app").classList.remove("st-hidden");
    $("cur-logout").classList.remove("st-hidden");
    $("tab-users").classList.toggle("st-hidden", me.role !== "admin");
    api("GET", "/api/v1/admin/schema").then(buildForm).then(loadGuides)
      .catch(function (e) { $("cur-editor-meta").textContent = "无法读取指南结构 cannot read the guide schema: " + e.message; });
    api("GET", "/api/v1/admin/rebuild").then(showRebuild).catch(function () {});
  }

  $("cur-login").addEventListener("submit", function (ev) {
    ev.preventDefault();
    $("cur-login-error").textContent = "";
    api("POST", "/api/v1/staff/login", { name: $("cur-name").value, password: $("cur-password").value })
      .then(function (me) {
        start({ user: me.user, display: me.display_name, role: me.role, window: me.window, csrf: me.csrf });
        // the login form is gone: focus goes to the console (the selected tab), not back to the page
        if (state.me) { var tab = document.querySelector("#cur-app [role=tab][aria-selected=true]"); (tab || $("cur-main")).focus(); }
      })
      .catch(function (e) { $("cur-login-error").textContent = e.message; });
  });
  $("cur-logout").addEventListener("click", function () {
    api("POST", "/api/v1/staff/logout").then(function () { location.reload(); }, function () { location.reload(); });
  });

  // --- tabs -----------------------------------------------------------------------------------------
  var TABS = ["guides", "review", "batch", "analytics", "knowledge", "audit", "users"];
  var LOADERS = { review: loadReview, analytics: loadAnalytics, audit: loadAudit, users: loadUsers };
  function visibleTabs() { return TABS.filter(function (t) { return !$("tab-" + t).classList.contains("st-hidden"); }); }
  function selectTab(name, focus) {
    TABS.forEach(function (t) {
      var on = t === name, tab = $("tab-" + t);
      tab.setAttribute("aria-selected", on ? "true" : "false");
      tab.tabIndex = on ? 0 : -1;
      $("panel-" + t).classList.toggle("st-hidden", !on);
    });
    if (focus) $("tab-" + name).focus();
    if (LOADERS[name]) LOADERS[name]();
  }
  TABS.forEach(function (t) {
    var tab = $("tab-" + t);
    tab.addEventListener("click", function () { selectTab(t); });
    tab.addEventListener("keydown", function (ev) {
      var list = visibleTabs(), i = list.indexOf(t), next = null;
      if (ev.key === "ArrowRight") next = list[(i + 1) % list.length];
      else if (ev.key === "ArrowLeft") next = list[(i - 1 + list.length) % list.length];
      else if (ev.key === "Home") next = list[0];
      else if (ev.key === "End") next = list[list.length - 1];
      if (next) { ev.preventDefault(); selectTab(next, true); }
    });
  });

  // --- 1. guide list --------------------------------------------------------------------------------
  function loadGuides() {
    return api("GET", "/api/v1/admin/guides").then(function (list) {
      state.guides = list;
      renderGuideList();
      return list;
    }).catch(function (e) { say("cur-status", e.message, true); });
  }

  function renderGuideList() {
    var q = $("cur-filter").value.trim().toLowerCase(), ul = clear($("cur-guides")), shown = 0;
    state.guides.forEach(function (g) {
      if (q && (g.id + " " + g.name + " " + (g.category || "")).toLowerCase().indexOf(q) < 0) return;
      shown += 1;
      var b = el("button", { type: "button", className: "cur-guide", "data-id": g.id, "aria-current": g.id === state.current ? "true" : "false" }, [
        el("span", { className: "cur-guide-name", text: g.name }),
        el("span", { className: "cur-guide-meta", text: g.id + " · v" + g.version }),
        g.has_draft ? el("span", { className: "cur-badge", text: "草稿 draft" }) : null
      ]);
      b.addEventListener("click", function () { openGuide(g.id); });
      ul.appendChild(el("li", {}, [b]));
    });
    $("cur-guides-empty").classList.toggle("st-hidden", shown > 0);
  }
  $("cur-filter").addEventListener("input", renderGuideList);

  // --- 2. editor ------------------------------------------------------------------------------------
  function openGuide(id, keepMessages) {
    if (state.dirty && id !== state.current && !window.confirm("当前事项有未保存的修改，确定放弃？ Discard unsaved changes?")) return Promise.resolve();
    return api("GET", "/api/v1/admin/guides/" + encodeURIComponent(id)).then(function (data) {
      state.current = id; state.loaded = data; state.dirty = false;
      renderGuideList();
      $("cur-editor-title").textContent = data.guide.name + "（" + id + "）";
      renderMeta();
      $("cur-editor-body").classList.remove("st-hidden");
      if (!keepMessages) { say("cur-status", ""); $("cur-preview").textContent = ""; $("cur-diff").textContent = ""; }
      clearErrors();
      renderForm(data.guide);
      loadVersions();
      if (!keepMessages) $("cur-editor-title").focus();
    }).catch(function (e) { say("cur-status", e.message, true); });
  }

  function renderMeta() {
    var d = state.loaded;
    $("cur-editor-meta").textContent = "已发布版本 Published version v" + d.version + " · " +
      (d.has_draft ? "正在编辑草稿 editing the draft" : "无草稿，正在编辑已发布内容 no draft, editing the published guide") +
      (state.dirty ? " · 有未保存的修改 unsaved changes" : "");
  }

  function fieldInput(path, kind, value, options, label) {
    var input;
    if (kind === "long") {
      input = el("textarea", { rows: 3, maxlength: 4000 });
      input.value = value === undefined || value === null ? "" : String(value);
    } else if (kind === "enum") {
      input = el("select");
      var opts = options.slice();
      if (value !== undefined && value !== null && !opts.some(function (o) { return o[0] === value; })) opts.push([String(value), String(value)]);
      opts.forEach(function (o) { input.appendChild(el("option", { value: o[0], text: o[0] + " · " + o[1] })); });
      if (value !== undefined && value !== null) input.value = String(value);
    } else if (kind === "bool") {
      input = el("input", { type: "checkbox" });
      input.checked = value === true;
    } else if (kind === "json") {
      input = el("textarea", { rows: 6, spellcheck: "false", className: "cur-json" });
      input.value = JSON.stringify(value === undefined ? options : value, null, 2);
      input.rows = Math.min(18, Math.max(3, input.value.split("\n").length));
    } else {
      input = el("input", { type: kind === "int" ? "number" : kind === "date" ? "date" : kind === "url" ? "url" : "text" });
      if (kind === "int") input.step = "1";
      if (kind === "readonly") { input.readOnly = true; input.className = "cur-readonly"; }
      input.value = value === undefined || value === null ? "" : String(value);
    }
    input.setAttribute("data-field", path);
    input.setAttribute("data-kind", kind);
    if (label) input.setAttribute("aria-label", label);
    return input;
  }

  function renderForm(guide) {
    var form = clear($("cur-form")), seen = {}, n = 0;
    SECTIONS.forEach(function (section) {
      var fs = el("fieldset", { className: "cur-fieldset" }, [el("legend", { text: section[0] })]);
      section[1].forEach(function (f) {
        seen[f[0]] = true;
        if (f[2] === "materials") { fs.appendChild(materialsTable(guide.materials || [])); return; }
        fs.appendChild(fieldRow(f[0], f[1], f[2], guide[f[0]], f[3], n++));
      });
      form.appendChild(fs);
    });
    var extra = Object.keys(guide).filter(function (k) { return !seen[k]; });
    if (extra.length) {
      var fs = el("fieldset", { className: "cur-fieldset" }, [el("legend", { text: "其他字段 Other fields" })]);
      extra.forEach(function (k) { fs.appendChild(fieldRow(k, k + " (JSON)", "json", guide[k], null, n++)); });
      form.appendChild(fs);
    }
    renumber();
  }

  function fieldRow(key, label, kind, value, options, n) {
    var id = "cur-f-" + n, input = fieldInput(key, kind, value, options);
    input.id = id;
    var wrap = el("div", { className: "cur-field cur-field-" + kind });
    if (kind === "bool") {
      wrap.appendChild(el("label", { "for": id, className: "cur-check" }, [input, " " + label]));
    } else {
      wrap.appendChild(el("label", { "for": id, className: "cur-label", text: label }));
      wrap.appendChild(input);
      if (kind === "json") input.addEventListener("blur", function () { checkJson(input); });
    }
    return wrap;
  }

  // materials table
  function materialsTable(items) {
    var head = el("tr", {}, [el("th", { scope: "col", text: "#" })].concat(MATERIAL_COLUMNS.map(function (c) {
      return el("th", { scope: "col", text: c[1] });
    })).concat([el("th", { scope: "col", text: "操作 Actions" })]));
    var body = el("tbody", { id: "cur-materials" });
    items.forEach(function (m) { body.appendChild(materialRow(m)); });
    var table = el("table", { className: "cur-table cur-materials", "data-field": "materials" }, [
      el("caption", { className: "cur-caption", text: "申请材料 Materials（每行一项 one row per material）" }), el("thead", {}, [head]), body]);
    var add = el("button", { type: "button", className: "st-btn", id: "cur-add-material", text: "＋ 添加材料 Add material" });
    add.addEventListener("click", function () {
      body.appendChild(materialRow({ name: "", form: "original", copies: 1, medium: "paper", required: true }));
      renumber(); markDirty();
      var inputs = body.lastChild.querySelectorAll("input");
      if (inputs.length) inputs[0].focus();
    });
    return el("div", { className: "cur-field cur-field-materials" }, [el("div", { className: "cur-scroll" }, [table]), add]);
  }

  function materialRow(m) {
    var tr = el("tr", { className: "cur-material" });
    tr.extra = {};
    Object.keys(m).forEach(function (k) { if (!MATERIAL_KNOWN[k]) tr.extra[k] = m[k]; });
    tr.appendChild(el("th", { scope: "row", className: "cur-rownum" }));
    MATERIAL_COLUMNS.forEach(function (c) {
      var v = m[c[0]];
      if (c[0] === "required" && v === undefined) v = true;
      var input = fieldInput("materials.0." + c[0], c[2], v, c[3]);
      input.setAttribute("data-key", c[0]);
      if (c[2] === "long") input.rows = 2;
      if (c[2] === "int") { input.min = "0"; input.max = "20"; input.className = "cur-num"; }
      if (c[0] === "name" || c[0] === "notes" || c[0] === "source") input.className = "cur-wide";
      tr.appendChild(el("td", {}, [input]));
    });
    var up = el("button", { type: "button", className: "cur-icon", "data-act": "up", text: "↑" });
    var down = el("button", { type: "button", className: "cur-icon", "data-act": "down", text: "↓" });
    var del = el("button", { type: "button", className: "cur-icon cur-danger", "data-act": "delete", text: "✕" });
    up.addEventListener("click", function () { var p = tr.previousElementSibling; if (p) { tr.parentNode.insertBefore(tr, p); renumber(); markDirty(); up.focus(); } });
    down.addEventListener("click", function () { var nx = tr.nextElementSibling; if (nx) { tr.parentNode.insertBefore(nx, tr); renumber(); markDirty(); down.focus(); } });
    del.addEventListener("click", function () {
      var body = tr.parentNode, next = tr.nextElementSibling || tr.previousElementSibling;
      body.removeChild(tr); renumber(); markDirty();
      var target = next ? next.querySelector("[data-act=delete]") : $("cur-add-material");
      if (target) target.focus();
    });
    tr.appendChild(el("td", { className: "cur-row-actions" }, [up, down, del]));
    return tr;
  }

  function renumber() {
    var rows = $("cur-materials").children;
    for (var i = 0; i < rows.length; i++) {
      var tr = rows[i], n = i + 1;
      tr.setAttribute("data-index", String(i));
      tr.querySelector(".cur-rownum").textContent = String(n);
      tr.querySelectorAll("[data-key]").forEach(function (input) {
        var key = input.getAttribute("data-key"), col = MATERIAL_COLUMNS.filter(function (c) { return c[0] === key; })[0];
        input.setAttribute("data-field", "materials." + i + "." + key);
        input.setAttribute("aria-label", "材料" + n + " " + col[1]);
      });
      tr.querySelector("[data-act=up]").setAttribute("aria-label", "材料" + n + " 上移 Move up");
      tr.querySelector("[data-act=down]").setAttribute("aria-label", "材料" + n + " 下移 Move down");
      tr.querySelector("[data-act=delete]").setAttribute("aria-label", "材料" + n + " 删除 Delete");
    }
  }

  function markDirty() {
    if (!state.dirty) { state.dirty = true; renderMeta(); }
  }
  $("cur-form").addEventListener("input", markDirty);
  $("cur-form").addEventListener("change", markDirty);
  $("cur-form").addEventListener("submit", function (ev) { ev.preventDefault(); saveDraft(); });

  // reading the form back into a guide
  function readValue(input) {
    var kind = input.getAttribute("data-kind");
    if (kind === "bool") return input.checked;
    if (kind === "json") {
      var text = input.value.trim();
      return text === "" ? undefined : JSON.parse(text);
    }
    var v = input.value.trim();
    if (v === "") return undefined;  // an empty optional field is left out
    if (kind === "int") return /^-?\d+$/.test(v) ? parseInt(v, 10) : v;  // anything else: the server explains
    return v;
  }

  function collect() {
    var guide = {}, problems = [];
    $("cur-form").querySelectorAll("[data-field]").forEach(function (input) {
      var path = input.getAttribute("data-field");
      if (path.indexOf("materials") === 0) return;
      try {
        var v = readValue(input);
        if (v !== undefined) guide[path] = v;
      } catch (err) {
        problems.push({ field: path, message: "JSON 格式错误 invalid JSON: " + err.message });
      }
    });
    guide.materials = [];
    var rows = $("cur-materials").children;
    for (var i = 0; i < rows.length; i++) {
      var m = clone(rows[i].extra || {});
      rows[i].querySelectorAll("[data-key]").forEach(function (input) {
        var v = readValue(input);
        if (v !== undefined) m[input.getAttribute("data-key")] = v;
      });
      guide.materials.push(m);
    }
    return { guide: guide, problems: problems };
  }

  function checkJson(input) {
    var prev = input.nextElementSibling;
    if (prev && prev.classList.contains("cur-field-error") && prev.getAttribute("data-json") === "1") { prev.parentNode.removeChild(prev); input.removeAttribute("aria-invalid"); }
    try { readValue(input); return true; } catch (err) {
      fieldError(input, "JSON 格式错误 invalid JSON: " + err.message).setAttribute("data-json", "1");
      return false;
    }
  }

  // errors next to fields
  function clearErrors() {
    $("cur-form").querySelectorAll(".cur-field-error").forEach(function (n) { n.parentNode.removeChild(n); });
    $("cur-form").querySelectorAll("[aria-invalid]").forEach(function (n) { n.removeAttribute("aria-invalid"); n.removeAttribute("aria-describedby"); });
    clear($("cur-errors-list"));
    $("cur-errors").classList.add("st-hidden");
  }

  var errorSeq = 0;
  function fieldError(input, message) {
    var next = input.nextElementSibling, span;
    if (next && next.classList.contains("cur-field-error")) {
      span = next;
      span.appendChild(el("br"));
      span.appendChild(document.createTextNode(message));
    } else {
      span = el("span", { className: "cur-field-error", id: "cur-err-" + (++errorSeq), text: message });
      input.insertAdjacentElement("afterend", span);
    }
    input.setAttribute("aria-invalid", "true");
    input.setAttribute("aria-describedby", span.id);
    return span;
  }

  function findField(path) {
    var all = $("cur-form").querySelectorAll("[data-field]"), parts = String(path).split(".");
    while (parts.length) {
      var p = parts.join(".");
      for (var i = 0; i < all.length; i++) if (all[i].getAttribute("data-field") === p) return all[i];
      parts.pop();
    }
    return null;
  }

  function showErrors(errors) {
    clearErrors();
    var first = null, list = $("cur-errors-list");
    errors.forEach(function (e) {
      var target = findField(e.field), exact = target && target.getAttribute("data-field") === e.field;
      var msg = exact ? e.message : e.field + "：" + e.message;
      if (target) {
        if (target.tagName === "TABLE") {  // a whole material row (e.g. materials.3): show it after the table
          var row = /^materials\.(\d+)/.exec(e.field);
          var tr = row ? $("cur-materials").children[Number(row[1])] : null;
          if (tr) tr.classList.add("cur-row-invalid");
          fieldError(target.parentNode, msg);
          target.setAttribute("aria-invalid", "true");
        } else fieldError(target, msg);
        if (!first) first = target;
      }
      var li = el("li", {}, []);
      var link = el("button", { type: "button", className: "cur-linkish", text: e.field + "：" + e.message });
      link.addEventListener("click", function () { if (target) target.focus(); });
      li.appendChild(link);
      list.appendChild(li);
    });
    $("cur-errors").classList.remove("st-hidden");
    if (first && first.focus) first.focus(); else $("cur-errors").focus();
  }

  function saveDraft() {
    if (!state.current) return Promise.resolve(false);
    clearErrors();
    var c = collect();
    if (c.problems.length) { showErrors(c.problems); say("cur-status", "未保存：JSON 有误 Not saved: fix the JSON first", true); return Promise.resolve(false); }
    say("cur-status", "保存中… Saving…");
    return api("PUT", "/api/v1/admin/guides/" + encodeURIComponent(state.current) + "/draft", c.guide).then(function () {
      state.dirty = false;
      return openGuide(state.current, true).then(function () {
        say("cur-status", "草稿已保存 Draft saved");
        loadGuides();
        return true;
      });
    }).catch(function (e) {
      if (e.status === 422 && e.detail && Array.isArray(e.detail.errors)) {
        showErrors(e.detail.errors);
        say("cur-status", "未保存：" + e.detail.message + " Not saved (" + e.detail.errors.length + ")", true);
      } else say("cur-status", "未保存 Not saved：" + e.message, true);
      return false;
    });
  }
  $("cur-save").addEventListener("click", saveDraft);

  $("cur-preview-btn").addEventListener("click", function () {
    if (!state.current) return;
    var note = state.dirty ? "（提示：未保存的修改不在预览中 unsaved changes are not in the preview）\n\n" : "";
    $("cur-preview").textContent = "生成中… Composing…";
    api("POST", "/api/v1/admin/guides/" + encodeURIComponent(state.current) + "/preview", { intent: $("cur-intent").value, lang: $("cur-lang").value })
      .then(function (r) { $("cur-preview").textContent = note + r.answer; })
      .catch(function (e) {
        var extra = e.detail && Array.isArray(e.detail.errors) ? "\n" + e.detail.errors.map(function (x) { return x.field + ": " + x.message; }).join("\n") : "";
        $("cur-preview").textContent = "预览失败 Preview failed：" + e.message + extra;
      });
  });

  $("cur-publish").addEventListener("click", function () {
    if (!state.current) return;
    if (state.dirty) { say("cur-status", "请先保存草稿 Save the draft first", true); return; }
    var id = state.current;
    say("cur-status", "发布中… Publishing…");
    api("POST", "/api/v1/admin/guides/" + encodeURIComponent(id) + "/publish").then(function (r) {
      say("cur-status", "已发布为版本 v" + r.version + " Published as version " + r.version);
      openGuide(id, true); loadGuides();
      pollRebuild(r.rebuild, "publish " + id);
    }).catch(function (e) {
      var msg = e.detail && Array.isArray(e.detail.errors) ? e.detail.errors.map(function (x) { return x.message; }).join("; ") : "";
      say("cur-status", roleMessage(e, "未发布 Not published") + (msg ? "：" + msg : ""), true);
    });
  });

  $("cur-discard").addEventListener("click", function () {
    if (!state.current) return;
    if (!window.confirm("放弃草稿并恢复为已发布内容？ Discard the draft?")) return;
    var id = state.current;
    api("DELETE", "/api/v1/admin/guides/" + encodeURIComponent(id) + "/draft").then(function () {
      state.dirty = false;
      return openGuide(id, true).then(function () { say("cur-status", "草稿已放弃 Draft discarded"); loadGuides(); });
    }).catch(function (e) { say("cur-status", e.message, true); });
  });

  // --- rebuild progress -----------------------------------------------------------------------------
  function showRebuild(s) {
    var n = $("cur-rebuild"), text = "";
    n.setAttribute("data-state", s.state || "");
    n.setAttribute("data-generation", String(s.generation || 0));
    if (s.state === "running") {
      var secs = s.started ? Math.max(0, Math.round(Date.now() / 1000 - s.started)) : 0;
      // progress: share of the passages encoded (only new or changed ones go through the model)
      var pct = typeof s.progress === "number" && s.passages ? " · " + s.progress + " %" : "";
      text = "索引重建中 Rebuilding the index… " + secs + " s" + pct + "（旧索引继续服务 the old index keeps answering）";
    } else if (s.state === "ready") {
      text = "索引已更新 Index ready · 第 " + s.generation + " 代 generation" + (s.guides ? " · " + s.guides + " 个事项 guides" : "");
    } else if (s.state === "failed") {
      text = "索引重建失败 Rebuild failed：" + (s.error || "") + "（仍在使用旧索引 the old index is still answering）";
    } else text = "";
    n.textContent = text;
    n.classList.toggle("cur-bad", s.state === "failed");
  }

  function pollRebuild(first, reason) {
    if (state.polling) clearTimeout(state.polling);
    first = first || {};
    // queued behind a rebuild that was already running: wait for one more generation
    var target = (first.generation || 0) + (first.reason && reason && first.reason !== reason ? 2 : 1);
    showRebuild(first);
    return new Promise(function (resolve) {
      function tick() {
        api("GET", "/api/v1/admin/rebuild").then(function (s) {
          showRebuild(s);
          if (s.state === "failed" || (s.state === "ready" && s.generation >= target) || (s.state === "idle")) { state.polling = null; resolve(s); return; }
          state.polling = setTimeout(tick, 1000);
        }).catch(function () { state.polling = setTimeout(tick, 2000); });
      }
      state.polling = setTimeout(tick, 500);
    });
  }

  // --- 3. versions, diff, rollback ------------------------------------------------------------------
  function loadVersions() {
    var id = state.current;
    return api("GET", "/api/v1/admin/guides/" + encodeURIComponent(id) + "/versions").then(function (list) {
      if (id !== state.current) return;
      var body = clear($("cur-versions")), a = clear($("cur-diff-a")), b = clear($("cur-diff-b"));
      list.forEach(function (v) {
        var btn = el("button", { type: "button", className: "st-btn cur-small", "data-version": v.version, text: "回滚到此版本 Roll back", "aria-label": "回滚到此版本 Roll back: v" + v.version });
        // the current version's button says so, in its name too (the name contains what is shown)
        if (v.version === state.loaded.version) { btn.disabled = true; btn.textContent = "当前版本 current"; btn.setAttribute("aria-label", "当前版本 current: v" + v.version); }
        btn.addEventListener("click", function () { rollback(v.version); });
        body.appendChild(el("tr", { "data-version": v.version }, [el("td", { text: "v" + v.version }), el("td", { text: v.author || "" }), el("td", { text: v.note || "" }), el("td", { text: fmtTime(v.created_at) }), el("td", {}, [btn])]));
        a.appendChild(el("option", { value: v.version, text: "v" + v.version }));
        b.appendChild(el("option", { value: v.version, text: "v" + v.version }));
      });
      if (list.length) {  // preselect the two newest versions, whatever order the list comes in
        var nums = list.map(function (v) { return v.version; }).sort(function (x, y) { return x - y; });
        b.value = String(nums[nums.length - 1]);
        a.value = String(nums.length > 1 ? nums[nums.length - 2] : nums[0]);
      }
    }).catch(function (e) { say("cur-status", e.message, true); });
  }

  $("cur-diff-btn").addEventListener("click", function () {
    var q = "?a=" + encodeURIComponent($("cur-diff-a").value) + "&b=" + encodeURIComponent($("cur-diff-b").value);
    api("GET", "/api/v1/admin/guides/" + encodeURIComponent(state.current) + "/diff" + q).then(function (r) {
      renderDiff(r.diff || "（无差异 no difference）");
    }).catch(function (e) { $("cur-diff").textContent = e.message; });
  });

  function renderDiff(text) {
    var pre = clear($("cur-diff"));
    text.split("\n").forEach(function (line) {
      var cls = /^\+(?!\+\+)/.test(line) ? "cur-add" : /^-(?!--)/.test(line) ? "cur-del" : /^@@/.test(line) ? "cur-hunk" : "";
      pre.appendChild(el("span", { className: cls, text: line + "\n" }));
    });
  }

  function rollback(version) {
    var id = state.current;
    if (state.dirty && !window.confirm("有未保存的修改，回滚会丢弃它们。继续？ Unsaved changes will be lost. Continue?")) return;
    say("cur-status", "回滚中… Rolling back…");
    api("POST", "/api/v1/admin/guides/" + encodeURIComponent(id) + "/rollback", { version: version }).then(function (r) {
      state.dirty = false;
      say("cur-status", "已回滚到 v" + version + "，新版本 v" + r.version + " Rolled back to version " + version + " as version " + r.version);
      openGuide(id, true); loadGuides();
      pollRebuild(r.rebuild, "rollback " + id);
    }).catch(function (e) { say("cur-status", roleMessage(e, "未回滚 Not rolled back"), true); });
  }

  // --- 4. review queue and traces -------------------------------------------------------------------
  function guideSelect(selected, label) {
    var s = el("select", { "aria-label": label });
    state.guides.forEach(function (g) { s.appendChild(el("option", { value: g.id, text: g.name + "（" + g.id + "）" })); });
    if (selected) s.value = selected;
    return s;
  }

  function loadReview() {
    say("cur-review-status", "加载中… Loading…");
    var ready = state.guides.length ? Promise.resolve() : loadGuides();
    return ready.then(function () { return api("GET", "/api/v1/admin/review"); }).then(function (groups) {
      say("cur-review-status", "共 " + groups.length + " 组 groups");
      var box = clear($("cur-review-list"));
      $("cur-review-empty").classList.toggle("st-hidden", groups.length > 0);
      groups.forEach(function (g, i) { box.appendChild(reviewGroup(g, i)); });
    }).catch(function (e) { say("cur-review-status", e.message, true); });
  }

  var KIND = { no_match: "未找到 no match", out_of_scope: "范围外 out of scope", clarify: "需澄清 clarify", answer: "已回答 answered", low_confidence: "低置信 low confidence" };

  function reviewGroup(g, i) {
    var gid = "cur-g" + i;
    var card = el("article", { className: "cur-group", "aria-labelledby": gid + "-h" });
    card.appendChild(el("h3", { id: gid + "-h" }, [el("span", { className: "cur-count", text: g.count + " 次" }), " ", g.text]));
    card.appendChild(el("p", { className: "st-muted", text: "类型 Kind：" + (KIND[g.kind] || g.kind || "") }));
    var ex = el("ul", { className: "cur-examples", "aria-label": "例句 Examples" });
    g.examples.forEach(function (t) { ex.appendChild(el("li", { text: t })); });
    card.appendChild(ex);
    var ids = el("p", { className: "cur-ids" }, ["问题编号 Messages："]);
    g.message_ids.forEach(function (mid) {
      var b = el("button", { type: "button", className: "cur-linkish cur-trace-link", "data-id": mid, text: mid, "aria-label": "查看追踪 Trace " + mid });
      b.addEventListener("click", function () { showTrace(mid); });
      ids.appendChild(b);
    });
    card.appendChild(ids);

    var attachGuide = guideSelect(g.suggested && g.suggested[0], "关联到事项 Guide to attach to");
    var phrase = el("input", { maxlength: 300, "aria-label": "俗称 Phrase", className: "cur-grow" });
    phrase.value = g.text;
    var attach = el("form", { className: "st-row cur-action" }, [el("span", { className: "cur-action-label", text: "关联为俗称 Attach" }), attachGuide, phrase,
      el("button", { type: "submit", className: "st-btn", text: "关联 Attach" })]);
    attach.addEventListener("submit", function (ev) {
      ev.preventDefault();
      reviewAct("/api/v1/admin/review/attach", { message_ids: g.message_ids, guide_id: attachGuide.value, phrase: phrase.value.trim() },
        "已关联到 " + attachGuide.value + "，重建索引后生效 Attached; takes effect after the next index rebuild");
    });

    var faqGuide = guideSelect(g.suggested && g.suggested[0], "问答所属事项 Guide for the FAQ");
    var q = el("input", { maxlength: 300, "aria-label": "问题 Question", className: "cur-grow" });
    q.value = g.text;
    var a = el("textarea", { maxlength: 4000, rows: 2, "aria-label": "解答 Answer", placeholder: "解答 Answer", className: "cur-grow" });
    var faq = el("form", { className: "st-row cur-action" }, [el("span", { className: "cur-action-label", text: "添加问答 Add FAQ" }), faqGuide, q, a,
      el("button", { type: "submit", className: "st-btn", text: "添加 Add" })]);
    faq.addEventListener("submit", function (ev) {
      ev.preventDefault();
      if (!a.value.trim()) { a.focus(); say("cur-review-status", "请填写解答 Write the answer first", true); return; }
      reviewAct("/api/v1/admin/review/faq", { message_ids: g.message_ids, guide_id: faqGuide.value, q: q.value.trim(), a: a.value.trim() },
        "问答已加入 " + faqGuide.value + " 的草稿，发布后生效 FAQ added to the draft; publish it to take effect");
    });

    var dismiss = el("button", { type: "button", className: "st-btn cur-danger", text: "忽略 Dismiss" });
    dismiss.addEventListener("click", function () { reviewAct("/api/v1/admin/review/dismiss", { message_ids: g.message_ids }, "已忽略 Dismissed"); });
    card.appendChild(attach);
    card.appendChild(faq);
    card.appendChild(el("div", { className: "st-row" }, [dismiss]));
    return card;
  }

  function reviewAct(path, body, done) {
    api("POST", path, body).then(function (r) {
      loadReview().then(function () { say("cur-review-status", done + "（" + r.updated + "）"); });
      loadGuides();
    }).catch(function (e) { say("cur-review-status", e.message, true); });
  }

  $("cur-review-refresh").addEventListener("click", loadReview);
  $("cur-rebuild-btn").addEventListener("click", function () {
    api("POST", "/api/v1/admin/rebuild").then(function (r) { pollRebuild(r, "manual"); })
      .catch(function (e) { say("cur-review-status", roleMessage(e), true); });
  });

  function table(headers, rows, cls) {
    return el("table", { className: "cur-table " + (cls || "") }, [
      el("thead", {}, [el("tr", {}, headers.map(function (h) { return el("th", { scope: "col", text: h }); }))]),
      el("tbody", {}, rows.map(function (r) {
        var tr = el("tr", r.attrs || {}, []);
        (r.cells || r).forEach(function (c) { tr.appendChild(el("td", { text: c === null || c === undefined ? "—" : String(c) })); });
        return tr;
      }))]);
  }

  function showTrace(mid) {
    var body = clear($("cur-trace-body"));
    $("cur-trace-hint").classList.add("st-hidden");
    body.appendChild(el("p", { text: "加载中… Loading…" }));
    api("GET", "/api/v1/admin/logs/" + encodeURIComponent(mid)).then(function (r) {
      clear(body);
      var t = r.trace || {}, answered = !!r.service;
      body.appendChild(el("dl", { className: "cur-dl" }, [
        el("dt", { text: "编号 Message" }), el("dd", { text: r.message_id }),
        el("dt", { text: "问题 Question" }), el("dd", { text: r.text }),
        el("dt", { text: "结果 Result" }), el("dd", { className: answered ? "cur-hit" : "cur-miss", text: (answered ? "命中 hit：" + r.service : "未命中 miss") + " · " + (KIND[r.kind] || r.kind) }),
        el("dt", { text: "意图 Intent" }), el("dd", { text: (r.intent || "—") + " · 置信度 confidence " + r.confidence }),
        el("dt", { text: "渠道 Channel" }), el("dd", { text: r.channel + " · " + fmtTime(r.at) + (r.handoff ? " · 已转人工 handed off" : "") })
      ]));
      var hits = Array.isArray(t.hits) ? t.hits : [];
      body.appendChild(el("h3", { text: "检索结果 Retrieved guides" }));
      body.appendChild(hits.length ? table(["#", "事项 Guide", "综合 Score", "词 Word", "字 Char", "语义 Semantic", "名称 Name", ""],
        hits.map(function (h, i) {
          var used = h.guide_id === r.service;
          return { attrs: { className: used ? "cur-hit-row" : "" }, cells: [i + 1, h.guide_id, h.score, h.word, h.char, h.semantic, h.name, used ? "✓ 采用 used" : ""] };
        }), "cur-trace-hits") : el("p", { className: "st-muted", text: "无 none" }));
      var scores = t.intent_scores || {};
      body.appendChild(el("h3", { text: "意图得分 Intent scores" }));
      body.appendChild(table(["意图 Intent", "得分 Score"], Object.keys(scores).map(function (k) { return [k, scores[k]]; }), "cur-trace-intents"));
      var rest = Object.keys(t).filter(function (k) { return k !== "hits" && k !== "intent_scores"; });
      if (rest.length) {
        body.appendChild(el("h3", { text: "其他 Other" }));
        body.appendChild(table(["项 Key", "值 Value"], rest.map(function (k) { return [k, JSON.stringify(t[k])]; })));
      }
      $("cur-trace-h").focus();
    }).catch(function (e) { clear(body).appendChild(el("p", { className: "st-error", text: e.message })); });
  }

  // --- 5. batch test --------------------------------------------------------------------------------
  $("cur-batch-form").addEventListener("submit", function (ev) {
    ev.preventDefault();
    var f = $("cur-batch-file").files[0];
    if (!f) return;
    var data = new FormData();
    data.append("file", f, f.name);
    say("cur-batch-status", "运行中… Running…");
    var out = clear($("cur-batch-result"));
    api("POST", "/api/v1/admin/batch-test", data, true).then(function (r) {
      say("cur-batch-status", "完成 Done");
      out.appendChild(el("p", { className: "cur-accuracy", id: "cur-accuracy" }, [
        "准确率 Accuracy：", el("strong", { text: r.accuracy === null ? "—" : r.accuracy + "%" }),
        " · 问题 questions " + r.questions + " · 有标注 labelled " + r.labelled + " · 未命中 misses " + r.misses.length]));
      if (r.misses.length) {
        out.appendChild(el("h3", { text: "未命中 Misses" }));
        out.appendChild(table(["问题 Question", "期望 Expected", "实际 Got", "类型 Kind", "置信度 Confidence", "前三 Top 3"],
          r.misses.map(function (m) { return [m.question, m.expected, m.got, m.kind, m.confidence, (m.top || []).join(", ")]; }), "cur-misses"));
      }
    }).catch(function (e) { say("cur-batch-status", e.message, true); });
  });

  // --- 6. analytics ---------------------------------------------------------------------------------
  function svg(tag, attrs, text) {
    var n = document.createElementNS(SVG, tag);
    Object.keys(attrs || {}).forEach(function (k) { n.setAttribute(k, String(attrs[k])); });
    if (text !== undefined) n.textContent = text;
    return n;
  }

  function barChart(title, data, scaleMax, names) {
    var keys = Object.keys(data || {}), fig = el("figure", { className: "cur-chart" }, [el("figcaption", { text: title })]);
    if (!keys.length) { fig.appendChild(el("p", { className: "st-muted", text: "暂无数据 No data yet" })); return fig; }
    var max = scaleMax || Math.max.apply(null, keys.map(function (k) { return Number(data[k]) || 0; })) || 1;
    var row = 24, labelW = 150, barW = 260, W = labelW + barW + 60, H = keys.length * row + 8;
    var s = svg("svg", { width: W, height: H, viewBox: "0 0 " + W + " " + H, role: "img", "aria-label": title });
    s.appendChild(svg("title", {}, title + "：" + keys.map(function (k) { return k + " " + data[k]; }).join("，")));
    keys.forEach(function (k, i) {
      var v = Number(data[k]) || 0, y = 4 + i * row, w = Math.max(1, Math.round(barW * v / max));
      var full = names && names[k] ? names[k] : k, label = full.length > 14 ? full.slice(0, 13) + "…" : full;
      var t = svg("text", { x: labelW - 6, y: y + 16, "text-anchor": "end", "class": "cur-svg-label" }, label);
      if (label !== k) t.appendChild(svg("title", {}, full + "（" + k + "）"));
      s.appendChild(t);
      s.appendChild(svg("rect", { x: labelW, y: y + 3, width: w, height: row - 8, rx: 3, "class": "cur-svg-bar" }));
      s.appendChild(svg("text", { x: labelW + w + 6, y: y + 16, "class": "cur-svg-value" }, String(v)));
    });
    fig.appendChild(s);
    return fig;
  }

  function loadAnalytics() {
    var ready = state.guides.length ? Promise.resolve() : loadGuides();
    return ready.then(function () { return api("GET", "/api/v1/admin/analytics"); }).then(function (a) {
      var names = {};
      state.guides.forEach(function (g) { names[g.id] = g.name; });
      var k = clear($("cur-kpis"));
      [["问题总数 Questions", a.questions], ["未答出率 Unanswered", (100 * a.unanswered_rate).toFixed(1) + "%"],
       ["转人工 Handoffs", a.handoffs], ["待处理 Open handoffs", a.handoffs_open]].forEach(function (p) {
        k.appendChild(el("div", { className: "cur-kpi" }, [el("span", { className: "cur-kpi-value", text: String(p[1]) }), el("span", { text: p[0] })]));
      });
      var hours = {};
      Object.keys(a.busiest_hours || {}).forEach(function (h) { hours[("0" + h).slice(-2) + ":00"] = a.busiest_hours[h]; });
      var c = clear($("cur-charts"));
      c.appendChild(barChart("每日问题数 Questions per day (北京时间)", a.per_day));
      c.appendChild(barChart("渠道 Per channel", a.per_channel, 0, { web: "网页 web", kiosk: "自助终端 kiosk", api: "接口 api" }));
      c.appendChild(barChart("热门事项 Top services", a.top_services, 0, names));
      c.appendChild(barChart("繁忙时段 Busiest hours (北京时间)", hours));
      c.appendChild(barChart("平均评分 Average rating (1–5)", a.average_rating, 5, names));
    }).catch(function (e) { clear($("cur-kpis")).appendChild(el("p", { className: "st-error", text: e.message })); });
  }
  $("cur-analytics-refresh").addEventListener("click", loadAnalytics);

  // --- 7. knowledge import --------------------------------------------------------------------------
  $("cur-import-form").addEventListener("submit", function (ev) {
    ev.preventDefault();
    var f = $("cur-import-file").files[0];
    if (!f) return;
    var dry = $("cur-import-dry").checked, data = new FormData();
    data.append("file", f, f.name);
    var out = clear($("cur-import-result"));
    say("cur-import-status", dry ? "检查中… Checking…" : "导入中… Importing…");
    api("POST", "/api/v1/admin/kb/import?dry_run=" + (dry ? "true" : "false"), data, true).then(function (r) {
      say("cur-import-status", (r.dry_run ? "试运行，未修改 Dry run, nothing changed：" : "已导入 Imported：") + r.summary);
      var rows = [["新增 Added", (r.added || []).join(", ") || "—"], ["更新 Updated", (r.updated || []).join(", ") || "—"], ["其他文档 Documents", (r.documents || []).join(", ") || "—"]];
      out.appendChild(table(["", ""], rows));
      if (r.rebuild) pollRebuild(r.rebuild, "import");
    }).catch(function (e) {
      say("cur-import-status", roleMessage(e, "导入失败 Import failed"), true);
      if (e.detail && Array.isArray(e.detail.errors)) {
        var ul = el("ul", { className: "cur-import-errors" });
        e.detail.errors.forEach(function (x) { ul.appendChild(el("li", { text: typeof x === "string" ? x : JSON.stringify(x) })); });
        out.appendChild(ul);
      }
    });
  });

  // --- 8. audit and users ---------------------------------------------------------------------------
  function loadAudit() {
    var t = $("cur-audit-target").value.trim();
    return api("GET", "/api/v1/admin/audit" + (t ? "?target=" + encodeURIComponent(t) : "")).then(function (list) {
      var body = clear($("cur-audit"));
      say("cur-audit-status", list.length + " 条 entries");
      list.forEach(function (r) {
        var detail = r.detail && Object.keys(r.detail).length ? JSON.stringify(r.detail) : "";
        body.appendChild(el("tr", {}, [el("td", { text: fmtTime(r.at) }), el("td", { text: r.user }), el("td", { text: r.action }), el("td", { text: r.target }), el("td", { className: "cur-detail", text: detail })]));
      });
    }).catch(function (e) { say("cur-audit-status", e.message, true); });
  }
  $("cur-audit-refresh").addEventListener("click", loadAudit);
  $("cur-audit-target").addEventListener("keydown", function (ev) { if (ev.key === "Enter") loadAudit(); });

  function loadUsers() {
    return api("GET", "/api/v1/admin/users").then(function (list) {
      var body = clear($("cur-users"));
      list.forEach(function (u) {
        body.appendChild(el("tr", {}, [el("td", { text: u.name }), el("td", { text: u.display_name || "" }), el("td", { text: u.role }), el("td", { text: u.window || "" }), el("td", { text: u.active ? "是 yes" : "否 no" })]));
      });
    }).catch(function (e) { say("cur-users-status", roleMessage(e), true); });
  }
  $("cur-user-form").addEventListener("submit", function (ev) {
    ev.preventDefault();
    var body = { name: $("cur-new-name").value.trim(), password: $("cur-new-password").value, role: $("cur-new-role").value };
    if ($("cur-new-display").value.trim()) body.display_name = $("cur-new-display").value.trim();
    if ($("cur-new-window").value.trim()) body.window = $("cur-new-window").value.trim();
    api("POST", "/api/v1/admin/users", body).then(function (r) {
      say("cur-users-status", "已创建 Created：" + r.name + " (" + r.role + ")");
      $("cur-user-form").reset();
      loadUsers();
    }).catch(function (e) { say("cur-users-status", e.message, true); });
  });

  window.addEventListener("beforeunload", function (ev) { if (state.dirty) { ev.preventDefault(); ev.returnValue = ""; } });

  api("GET", "/api/v1/staff/me").then(start).catch(function () { /* not logged in: the login form stays */ });
})();
