/*
 * 示例市政务服务中心 · 智能导办 web chat widget.
 *
 * Embed with:
 *   <script src="https://host/static/widget.js" data-server="https://host" data-lang="zh" defer></script>
 *
 * Plain ES2019, no framework, no build step. Server and user text are only ever inserted with
 * textContent / createTextNode. Global API: window.HallAssistant = {open, close, toggle, send,
 * setLang, handoff}.
 */
(function () {
  "use strict";

  if (window.HallAssistant && document.getElementById("hall-assistant")) return;

  var SESSION_KEY = "ha-session";
  var LANG_KEY = "ha-lang";
  var LARGE_KEY = "ha-large";
  var MAX_LEN = 500;
  var REQUEST_TIMEOUT_MS = 30000;
  var DEFAULT_TTL_S = 1800; // the server's idle expiry when a reply does not say (settings.session_ttl_seconds)
  var WARN_BEFORE_S = 60; // WCAG 2.2.1: warn well over 20 s before the conversation expires

  function localStore() {
    try {
      return window.localStorage;
    } catch (e) {
      return null;
    }
  }

  // ---------------------------------------------------------------- configuration
  var script = document.currentScript;
  if (!script) {
    var candidates = document.querySelectorAll("script[src*='widget.js']");
    script = candidates.length ? candidates[candidates.length - 1] : null;
  }

  function scriptOrigin() {
    try {
      return new URL(script.src, location.href).origin;
    } catch (e) {
      return location.origin;
    }
  }

  var serverAttr = script ? script.getAttribute("data-server") : null;
  var SERVER = (serverAttr && serverAttr.trim() ? serverAttr.trim() : scriptOrigin()).replace(/\/+$/, "");

  function normLang(l) {
    l = String(l || "").toLowerCase();
    if (l.indexOf("en") === 0) return "en";
    if (l.indexOf("zh") === 0) return "zh";
    return null;
  }

  function storageGet(store, key) {
    if (!store) return null;
    try {
      return store.getItem(key);
    } catch (e) {
      return null;
    }
  }

  function storageSet(store, key, value) {
    if (!store) return;
    try {
      if (value === null || value === undefined) store.removeItem(key);
      else store.setItem(key, value);
    } catch (e) {
      /* storage unavailable (privacy mode): keep going without it */
    }
  }

  // ---------------------------------------------------------------- words
  // Every label the widget shows comes from the server's one catalogue of words
  // (assistant/dialogue/words.py, GET /api/v1/words?lang=), so a wording is fixed there once for every
  // channel. No fallback copy lives here: the widget is built when the words of its language have
  // arrived (one small request to the server that serves this script, cached by the browser), and a
  // widget that cannot reach its server could not answer anyway. Only language tags stay here, and
  // the two language names on the switch, each written in its own language.
  var HTML_LANG = { zh: "zh-CN", en: "en" };
  var I18N = {}; // lang -> labels, filled as the words arrive
  var wordsLoading = {};

  /** Fill a catalogue template's {slots}. */
  function fmt(template, values) {
    return String(template == null ? "" : template).replace(/\{(\w+)\}/g, function (m, k) {
      return values && values[k] != null ? String(values[k]) : "";
    });
  }

  function labelsOf(lang, w) {
    return {
      htmlLang: HTML_LANG[lang],
      title: w.widget_title,
      bubble: w.widget_bubble,
      bubbleUnread: w.widget_bubble_unread,
      close: w.widget_close,
      large: w.widget_large,
      largeName: w.widget_large_name,
      switchLang: w.widget_switch_lang,
      log: w.widget_log,
      inputLabel: w.widget_input_label,
      placeholder: w.widget_placeholder,
      send: w.widget_send,
      handoff: w.choice_human,
      handoffLabel: w.widget_handoff_name,
      typing: w.widget_typing,
      welcome: w.widget_welcome,
      examples: [w.widget_example_1, w.widget_example_2, w.widget_example_3].filter(Boolean),
      netError: w.widget_net_error,
      httpError: function (status) {
        return fmt(w.widget_http_error, { status: status });
      },
      materials: w.widget_materials,
      optional: w.widget_optional,
      copies: function (form, n) {
        var parts = [];
        if (form) parts.push(form);
        if (n) parts.push(fmt(w.widget_copies, { n: n }));
        return parts.join(" ");
      },
      applyOnline: w.link_full,
      qrAlt: w.widget_qr_alt,
      qrHint: w.widget_qr_hint,
      sourcePrefix: w.widget_source,
      sourceSuffix: function (date) {
        return date ? fmt(w.widget_updated, { date: date }) : "";
      },
      ticketTitle: w.ticket_title,
      bookingTitle: w.widget_booking_title,
      bookingCode: w.widget_booking_code,
      bookingQrAlt: w.widget_booking_qr_alt,
      bookingIcs: w.widget_booking_ics,
      ticketNumber: w.widget_ticket_number,
      // exactly the statuses of assistant/handoff (waiting | claimed | called | closed | no_queue)
      status: {
        waiting: w.status_waiting,
        claimed: w.status_claimed,
        called: w.status_called,
        closed: w.status_closed,
        no_queue: w.status_no_queue,
      },
      rateQ: w.widget_rate_question,
      rateGroup: w.widget_rate_group,
      star: function (n) {
        return fmt(n === 1 ? w.widget_star_one : w.widget_star_many, { n: n });
      },
      comment: w.widget_comment,
      commentLabel: w.widget_comment_name,
      thanks: w.widget_thanks,
      rateFail: w.widget_rate_failed,
      staff: function (name) {
        return name ? fmt(w.widget_staff, { name: name }) : w.widget_staff_anonymous;
      },
      who: { user: w.widget_who_user, bot: w.widget_who_bot },
      expiring: function (s) {
        return fmt(w.widget_expiring, { seconds: s });
      },
      keep: w.widget_keep,
      expired: w.widget_expired,
    };
  }

  /** The words of one language, fetched once; retried with a growing pause while the server is away. */
  function loadWords(lang) {
    if (I18N[lang]) return Promise.resolve(I18N[lang]);
    if (wordsLoading[lang]) return wordsLoading[lang];
    var attempt = 0;
    function tryOnce() {
      return fetch(SERVER + "/api/v1/words?lang=" + encodeURIComponent(lang), { credentials: "omit", headers: { Accept: "application/json" } })
        .then(function (res) {
          if (!res.ok) throw new Error("words " + res.status);
          return res.json();
        })
        .then(function (data) {
          if (!data || typeof data.words !== "object" || !data.words) throw new Error("words unreadable");
          I18N[lang] = labelsOf(lang, data.words);
          return I18N[lang];
        })
        .catch(function () {
          attempt += 1;
          return new Promise(function (resolve) {
            setTimeout(resolve, Math.min(30000, 1000 * Math.pow(2, attempt - 1)));
          }).then(tryOnce);
        });
    }
    wordsLoading[lang] = tryOnce();
    return wordsLoading[lang];
  }

  // ---------------------------------------------------------------- state
  var state = {
    // language and large text are remembered on the device; the conversation only for the tab
    lang:
      normLang(storageGet(localStore(), LANG_KEY)) ||
      normLang(script && script.getAttribute("data-lang")) ||
      "zh",
    large: storageGet(localStore(), LARGE_KEY) === "1",
    sessionId: storageGet(window.sessionStorage, SESSION_KEY) || null,
    open: false,
    welcomed: false,
    onlyWelcome: true,
    unread: 0,
    queue: Promise.resolve(),
    pending: 0,
    rendered: Object.create(null),
    localSeq: 0,
    lastTicketBox: null,
    ws: null,
    wsSession: null,
    wsRetry: 0,
    wsTimer: null,
    ttl: DEFAULT_TTL_S,
    lastActive: 0,
    expiryTimer: null,
    warning: null,
  };

  /** The interface's labels (another language's until its own words have arrived after a switch). */
  function t() {
    return I18N[state.lang] || I18N[Object.keys(I18N)[0]];
  }

  /** Labels in a message's own language; the interface's until that language's words have arrived. */
  function tl(lang) {
    return I18N[normLang(lang)] || I18N[state.lang];
  }

  // ---------------------------------------------------------------- DOM helpers
  function el(tag, attrs, children) {
    var node = document.createElement(tag);
    if (attrs) {
      Object.keys(attrs).forEach(function (k) {
        var v = attrs[k];
        if (v === null || v === undefined || v === false) return;
        if (k === "class") node.className = v;
        else if (k === "text") node.textContent = v;
        else if (k.indexOf("on") === 0 && typeof v === "function") node.addEventListener(k.slice(2), v);
        else node.setAttribute(k, v === true ? "" : String(v));
      });
    }
    (children || []).forEach(function (c) {
      if (c === null || c === undefined || c === false) return;
      node.appendChild(typeof c === "string" ? document.createTextNode(c) : c);
    });
    return node;
  }

  var SVG_NS = "http://www.w3.org/2000/svg";

  function icon(paths, size) {
    var svg = document.createElementNS(SVG_NS, "svg");
    svg.setAttribute("viewBox", "0 0 24 24");
    svg.setAttribute("width", size || "1.25em");
    svg.setAttribute("height", size || "1.25em");
    svg.setAttribute("aria-hidden", "true");
    svg.setAttribute("focusable", "false");
    svg.setAttribute("class", "ha-icon");
    paths.forEach(function (d) {
      var p = document.createElementNS(SVG_NS, "path");
      p.setAttribute("d", d);
      svg.appendChild(p);
    });
    return svg;
  }

  var ICON_CHAT = [
    "M4 4h16a2 2 0 0 1 2 2v10a2 2 0 0 1-2 2H9l-5 4v-4H4a2 2 0 0 1-2-2V6a2 2 0 0 1 2-2zm3 6.5a1.5 1.5 0 1 0 0-3 1.5 1.5 0 0 0 0 3zm5 0a1.5 1.5 0 1 0 0-3 1.5 1.5 0 0 0 0 3zm5 0a1.5 1.5 0 1 0 0-3 1.5 1.5 0 0 0 0 3z",
  ];
  var ICON_CLOSE = [
    "M18.3 5.7a1 1 0 0 0-1.4 0L12 10.6 7.1 5.7a1 1 0 0 0-1.4 1.4l4.9 4.9-4.9 4.9a1 1 0 1 0 1.4 1.4l4.9-4.9 4.9 4.9a1 1 0 0 0 1.4-1.4L13.4 12l4.9-4.9a1 1 0 0 0 0-1.4z",
  ];
  var ICON_EXTERNAL = [
    "M14 3h7v7h-2V6.4l-9.3 9.3-1.4-1.4L17.6 5H14V3zM5 5h6v2H5v12h12v-6h2v6a2 2 0 0 1-2 2H5a2 2 0 0 1-2-2V7a2 2 0 0 1 2-2z",
  ];
  var ICON_SEND = ["M3.4 20.6 21 12 3.4 3.4 3.4 10.2 15 12 3.4 13.8z"];
  var ICON_PERSON = [
    "M12 12a4.5 4.5 0 1 0 0-9 4.5 4.5 0 0 0 0 9zm0 2c-4.1 0-8 2.1-8 5v1.5a.5.5 0 0 0 .5.5h15a.5.5 0 0 0 .5-.5V19c0-2.9-3.9-5-8-5z",
  ];

  /** Absolute http(s) URL for a server-relative or absolute link; null for anything else. */
  function safeUrl(url, base) {
    if (!url || typeof url !== "string") return null;
    try {
      var abs = /^[a-z][a-z0-9+.-]*:/i.test(url) || url.indexOf("//") === 0 ? new URL(url, location.href) : new URL((base || SERVER) + (url.charAt(0) === "/" ? "" : "/") + url, location.href);
      if (abs.protocol !== "http:" && abs.protocol !== "https:") return null;
      return abs.href;
    } catch (e) {
      return null;
    }
  }

  function displayDate(s) {
    if (!s) return "";
    s = String(s);
    return /^\d{4}-\d{2}-\d{2}T/.test(s) ? s.slice(0, 10) : s;
  }

  // ---------------------------------------------------------------- build the widget
  var root, bubble, bubbleText, badge, panel, titleEl, langBtn, largeBtn, closeBtn, log, handoffBtn,
    handoffText, form, input, inputLabel, sendBtn, sendText, announcer;

  function build() {
    var link = document.querySelector("link[data-ha-css]");
    if (!link) {
      link = el("link", { rel: "stylesheet", href: SERVER + "/static/widget.css", "data-ha-css": "" });
      document.head.appendChild(link);
    }

    root = el("div", { id: "hall-assistant", class: "ha-root" });

    bubbleText = el("span", { class: "ha-bubble-text" });
    badge = el("span", { class: "ha-badge", hidden: true, "aria-hidden": "true" });
    bubble = el("button", { type: "button", class: "ha-bubble", "aria-expanded": "false", "aria-controls": "ha-panel" }, [
      icon(ICON_CHAT, "1.5em"),
      bubbleText,
      badge,
    ]);
    bubble.addEventListener("click", function () {
      if (state.open) close();
      else open();
    });

    titleEl = el("h2", { class: "ha-title", id: "ha-title" });
    langBtn = el("button", { type: "button", class: "ha-hbtn ha-lang", lang: "en" }, [
      el("span", { class: "ha-lang-zh", lang: "zh-CN", text: "中文" }),
      el("span", { class: "ha-lang-sep", text: " / " }),
      el("span", { class: "ha-lang-en", text: "EN" }),
    ]);
    langBtn.addEventListener("click", function () {
      setLang(state.lang === "en" ? "zh" : "en");
    });
    largeBtn = el("button", { type: "button", class: "ha-hbtn ha-large-toggle" }, [
      el("span", { "aria-hidden": "true", text: "A+" }),
    ]);
    largeBtn.addEventListener("click", function () {
      setLarge(!state.large);
    });
    closeBtn = el("button", { type: "button", class: "ha-hbtn ha-close" }, [icon(ICON_CLOSE, "1.4em")]);
    closeBtn.addEventListener("click", close);

    var header = el("div", { class: "ha-header" }, [
      el("span", { class: "ha-logo", "aria-hidden": "true" }, [icon(ICON_CHAT, "1.3em")]),
      titleEl,
      el("div", { class: "ha-hactions" }, [langBtn, largeBtn, closeBtn]),
    ]);

    log = el("div", { class: "ha-log", role: "log", "aria-live": "polite", "aria-relevant": "additions", tabindex: "0" });

    handoffText = el("span");
    handoffBtn = el("button", { type: "button", class: "ha-handoff" }, [icon(ICON_PERSON, "1.1em"), handoffText]);
    handoffBtn.addEventListener("click", function () {
      handoff();
    });

    inputLabel = el("label", { class: "ha-visually-hidden", for: "ha-input" });
    input = el("textarea", { id: "ha-input", class: "ha-input", rows: "1", maxlength: String(MAX_LEN), autocomplete: "off" });
    input.addEventListener("keydown", function (e) {
      if (e.key === "Enter" && !e.shiftKey && !e.isComposing && e.keyCode !== 229) {
        e.preventDefault();
        submitInput();
      }
    });
    input.addEventListener("input", autoGrow);
    sendText = el("span", { class: "ha-send-text" });
    sendBtn = el("button", { type: "submit", class: "ha-send" }, [icon(ICON_SEND, "1.1em"), sendText]);
    form = el("form", { class: "ha-form", novalidate: true }, [inputLabel, input, sendBtn]);
    form.addEventListener("submit", function (e) {
      e.preventDefault();
      submitInput();
    });

    var footer = el("div", { class: "ha-footer" }, [el("div", { class: "ha-toolbar" }, [handoffBtn]), form]);

    panel = el("div", { id: "ha-panel", class: "ha-panel", role: "dialog", "aria-modal": "false", "aria-labelledby": "ha-title", hidden: true }, [
      header,
      log,
      footer,
    ]);

    // outside the panel, so what arrives while the panel is closed (a staff reply, the expiry
    // warning) is still said by a screen reader
    announcer = el("div", { class: "ha-visually-hidden ha-announcer", role: "status", "aria-live": "polite" });

    root.appendChild(panel);
    root.appendChild(bubble);
    root.appendChild(announcer);
    root.addEventListener("keydown", function (e) {
      if (e.key === "Tab" && state.open && fullScreen()) trapTab(e);
      if (e.key === "Escape" && state.open) {
        e.preventDefault();
        e.stopPropagation();
        close();
      }
    });
    document.addEventListener("keydown", function (e) {
      if (e.key === "Escape" && state.open && (document.activeElement === document.body || !document.activeElement)) close();
    });
    document.body.appendChild(root);

    applyLarge();
    applyLabels();
    keepClearOfBubble();
    window.addEventListener("resize", keepClearOfBubble);
    var css = document.querySelector("link[data-ha-css]");
    if (css) css.addEventListener("load", keepClearOfBubble);
  }

  var FULL_SCREEN = "(max-width: 37.5em), (max-height: 37.5em)"; // the same as the @media rule in widget.css

  /** On a small screen the open panel covers the page: it is modal there. */
  function fullScreen() {
    return !!(window.matchMedia && window.matchMedia(FULL_SCREEN).matches);
  }

  function focusables() {
    return Array.prototype.filter.call(
      panel.querySelectorAll("button, a[href], input, textarea, select, [tabindex]:not([tabindex='-1'])"),
      function (n) {
        return !n.disabled && n.getClientRects().length > 0;
      }
    );
  }

  /** Tab and Shift+Tab go round inside the full-screen panel instead of to the page hidden behind it. */
  function trapTab(e) {
    var items = focusables();
    if (!items.length) return;
    var first = items[0],
      last = items[items.length - 1],
      active = document.activeElement;
    var inside = panel.contains(active);
    if (e.shiftKey && (active === first || !inside)) {
      e.preventDefault();
      last.focus();
    } else if (!e.shiftKey && (active === last || !inside)) {
      e.preventDefault();
      first.focus();
    }
  }

  /** The page gets room at its bottom so the floating bubble never covers its last lines. */
  function keepClearOfBubble() {
    var body = document.body;
    if (!body || !bubble) return;
    var style = window.getComputedStyle(bubble);
    if (style.position !== "fixed" || !bubble.offsetHeight) return; // not styled yet, or hidden
    var need = bubble.offsetHeight + 2 * (parseFloat(style.bottom) || 0);
    body.style.paddingBottom = "";
    var own = parseFloat(window.getComputedStyle(body).paddingBottom) || 0;
    if (own < need) body.style.paddingBottom = Math.ceil(need) + "px";
  }

  /** Say something through the live region outside the panel. */
  function announce(text) {
    announcer.textContent = "";
    setTimeout(function () {
      announcer.textContent = text;
    }, 60);
  }

  function autoGrow() {
    input.style.height = "auto";
    input.style.height = Math.min(input.scrollHeight, 160) + "px";
  }

  function applyLabels() {
    var L = t();
    root.setAttribute("lang", L.htmlLang);
    bubbleText.textContent = L.bubble;
    bubble.setAttribute("aria-label", state.unread ? L.bubbleUnread : L.bubble);
    titleEl.textContent = L.title;
    langBtn.setAttribute("title", L.switchLang);
    langBtn.setAttribute("data-current", state.lang);
    largeBtn.setAttribute("aria-label", L.largeName);
    largeBtn.setAttribute("title", L.large);
    closeBtn.setAttribute("aria-label", L.close);
    closeBtn.setAttribute("title", L.close);
    log.setAttribute("aria-label", L.log);
    handoffText.textContent = L.handoff;
    handoffBtn.setAttribute("aria-label", L.handoffLabel);
    inputLabel.textContent = L.inputLabel;
    input.setAttribute("placeholder", L.placeholder);
    sendText.textContent = L.send;
    sendBtn.setAttribute("aria-label", L.send);
    var typing = log.querySelector(".ha-typing .ha-visually-hidden");
    if (typing) typing.textContent = L.typing;
  }

  function applyLarge() {
    root.classList.toggle("ha-large", state.large);
    if (largeBtn) largeBtn.setAttribute("aria-pressed", state.large ? "true" : "false");
  }

  // ---------------------------------------------------------------- messages
  function scrollDown() {
    log.scrollTop = log.scrollHeight;
  }

  /** Show a new bot message: the whole of it if it fits, otherwise from its first line. */
  function reveal(node) {
    if (!node || !node.isConnected) return scrollDown();
    if (node.offsetHeight + 16 > log.clientHeight) log.scrollTop = Math.max(0, node.offsetTop - 12);
    else scrollDown();
  }

  function noteActivity() {
    if (!state.open) {
      state.unread += 1;
      badge.textContent = String(state.unread);
      badge.hidden = false;
      bubble.setAttribute("aria-label", t().bubbleUnread);
    }
  }

  /**
   * A new message in the log. Each carries its own lang (the language it is written in, kept when the
   * interface language changes later) and, for assistive technology, who is speaking (a visually
   * hidden 您/助手 label; staff messages show the name).
   */
  function addBubble(cls, messageId, lang) {
    var L = tl(lang);
    var node = el("div", { class: "ha-msg " + cls, lang: L.htmlLang });
    if (cls.indexOf("ha-bot") !== -1) {
      node.setAttribute("data-message-id", messageId ? String(messageId) : "local-" + ++state.localSeq);
    }
    var who = cls.indexOf("ha-user") !== -1 ? L.who.user : cls.indexOf("ha-staff") !== -1 ? null : L.who.bot;
    if (who) node.appendChild(el("span", { class: "ha-visually-hidden ha-who", text: who }));
    var typing = log.querySelector(".ha-typing");
    if (typing) log.insertBefore(node, typing);
    else log.appendChild(node);
    return node;
  }

  function textBlock(text) {
    return el("div", { class: "ha-text", text: text == null ? "" : String(text) });
  }

  function addUser(text) {
    state.onlyWelcome = false;
    var b = addBubble("ha-user", null, state.lang);
    b.appendChild(textBlock(text));
    scrollDown();
    return b;
  }

  function addBotText(text, extraClass, lang) {
    var b = addBubble("ha-bot" + (extraClass ? " " + extraClass : ""), null, lang || state.lang);
    b.appendChild(textBlock(text));
    scrollDown();
    noteActivity();
    return b;
  }

  function addError(text) {
    return addBotText(text, "ha-error");
  }

  function quickButtons(items) {
    var wrap = el("div", { class: "ha-quicks" });
    items.forEach(function (it) {
      var title = it.title == null ? "" : String(it.title);
      var payload = it.payload == null || it.payload === "" ? title : String(it.payload);
      if (!title) return;
      var b = el("button", { type: "button", class: "ha-quick", "data-payload": payload, text: title });
      b.addEventListener("click", function () {
        send(payload, title);
      });
      wrap.appendChild(b);
    });
    return wrap.childNodes.length ? wrap : null;
  }

  function showWelcome() {
    var L = t();
    var old = log.querySelector(".ha-welcome");
    if (old) old.parentNode.removeChild(old);
    var b = addBubble("ha-bot ha-welcome", "welcome", state.lang);
    b.appendChild(textBlock(L.welcome));
    var q = quickButtons(
      L.examples.map(function (x) {
        return { title: x, payload: x };
      })
    );
    if (q) b.appendChild(q);
    if (log.firstChild !== b) log.insertBefore(b, log.firstChild);
    state.welcomed = true;
    scrollDown();
  }

  function showTyping() {
    if (log.querySelector(".ha-typing")) return;
    var n = el("div", { class: "ha-typing" }, [
      el("span", { class: "ha-dot", "aria-hidden": "true" }),
      el("span", { class: "ha-dot", "aria-hidden": "true" }),
      el("span", { class: "ha-dot", "aria-hidden": "true" }),
      el("span", { class: "ha-visually-hidden", text: t().typing }),
    ]);
    log.appendChild(n);
    scrollDown();
  }

  function hideTyping() {
    if (state.pending > 0) return;
    var n = log.querySelector(".ha-typing");
    if (n) n.parentNode.removeChild(n);
  }

  function renderChecklist(details, L) {
    var list = el("ul", { class: "ha-checklist" });
    details.forEach(function (m) {
      if (!m || !m.name) return;
      var meta = L.copies(m.form_label, m.copies);
      var label = el("label", null, [
        el("input", { type: "checkbox", class: "ha-check" }),
        el("span", { class: "ha-mat-name", text: String(m.name) }),
        meta ? el("span", { class: "ha-mat-meta", text: meta }) : null,
        m.reason
          ? el("span", { class: "ha-condition ha-reason", text: String(m.reason) })
          : m.condition
          ? el("span", { class: "ha-condition", text: String(m.condition) })
          : m.required === false
          ? el("span", { class: "ha-condition ha-optional", text: L.optional })
          : null,
      ]);
      list.appendChild(el("li", { class: m.required === false ? "ha-mat ha-mat-optional" : "ha-mat" }, [label]));
    });
    if (!list.childNodes.length) return null;
    return el("div", { class: "ha-materials" }, [el("div", { class: "ha-subtitle", text: L.materials }), list]);
  }

  function fillTicket(box, ticket, L) {
    while (box.firstChild) box.removeChild(box.firstChild);
    box.setAttribute("data-ticket-number", ticket.number == null ? "" : String(ticket.number));
    if (ticket.status) box.setAttribute("data-status", String(ticket.status));
    else box.removeAttribute("data-status");
    box.appendChild(el("div", { class: "ha-ticket-title", text: L.ticketTitle }));
    box.appendChild(
      el("p", { class: "ha-ticket-line" }, [
        L.ticketNumber + " ",
        el("strong", { class: "ha-ticket-number", text: ticket.number == null ? "" : String(ticket.number) }),
      ])
    );
    var st = ticket.status && L.status[String(ticket.status).toLowerCase()];
    if (st) box.appendChild(el("div", { class: "ha-ticket-status", text: st }));
  }

  // a confirmed booking: the code large, its QR code (shown at check-in) and a calendar file
  function renderBooking(reply, L) {
    var a = reply.appointment, urls = reply.appointment_urls || {};
    var box = el("div", { class: "ha-ticket ha-booking", role: "status", "data-booking-code": String(a.code) });
    box.appendChild(el("div", { class: "ha-ticket-title", text: L.bookingTitle }));
    box.appendChild(el("p", { class: "ha-ticket-line" }, [L.bookingCode + " ", el("strong", { class: "ha-ticket-number ha-booking-code", text: String(a.code) })]));
    box.appendChild(el("p", { class: "ha-ticket-line", text: String(a.day) + " " + String(a.start) + "-" + String(a.end) + " · " + String(a.windows) }));
    var qr = urls.qr ? safeUrl(urls.qr, SERVER) : null;
    if (qr) box.appendChild(el("img", { class: "ha-qr", src: qr, alt: L.bookingQrAlt, width: "120", height: "120" }));
    var ics = urls.ics ? safeUrl(urls.ics, SERVER) : null;
    if (ics) box.appendChild(el("a", { class: "ha-online ha-booking-ics", href: ics, download: String(a.code) + ".ics", text: L.bookingIcs }));
    return box;
  }

  function renderTicket(ticket, L) {
    var box = el("div", { class: "ha-ticket", role: "status" });
    fillTicket(box, ticket, L);
    state.lastTicketBox = box;
    return box;
  }

  function renderRating(reply, L) {
    var row = el("div", { class: "ha-rating" });
    var q = el("div", { class: "ha-rating-q", text: L.rateQ });
    var comment = el("input", {
      type: "text",
      class: "ha-comment",
      maxlength: "300",
      placeholder: L.comment,
      "aria-label": L.commentLabel,
    });
    var stars = el("div", { class: "ha-stars", role: "group", "aria-label": L.rateGroup });
    var msg = el("div", { class: "ha-rating-msg", role: "status" });
    var buttons = [];
    function highlight(n) {
      buttons.forEach(function (b, i) {
        b.classList.toggle("ha-on", i < n);
      });
    }
    for (var i = 1; i <= 5; i++) {
      (function (score) {
        var b = el("button", { type: "button", class: "ha-star", "aria-label": L.star(score), title: L.star(score), "data-score": String(score) }, [
          el("span", { "aria-hidden": "true", text: "★" }),
        ]);
        b.addEventListener("mouseenter", function () {
          highlight(score);
        });
        b.addEventListener("focus", function () {
          highlight(score);
        });
        b.addEventListener("blur", function () {
          highlight(0);
        });
        b.addEventListener("click", function () {
          buttons.forEach(function (x) {
            x.disabled = true;
          });
          var text = comment.value.trim();
          postJson("/api/v1/ratings", {
            session_id: state.sessionId,
            message_id: reply.message_id,
            score: score,
            comment: text ? text : null,
          }).then(function (res) {
            if (res.ok) {
              // the stars are gone: focus moves to the thanks that replaced them, not to the page
              var done = el("div", { class: "ha-rated", role: "status", tabindex: "-1", text: L.thanks });
              row.parentNode.replaceChild(done, row);
              done.focus({ preventScroll: true });
            } else {
              buttons.forEach(function (x) {
                x.disabled = false;
              });
              msg.textContent = res.error || L.rateFail;
              b.focus();
            }
          });
        });
        buttons.push(b);
        stars.appendChild(b);
      })(i);
    }
    stars.addEventListener("mouseleave", function () {
      highlight(0);
    });
    row.appendChild(q);
    row.appendChild(comment);
    row.appendChild(stars);
    row.appendChild(msg);
    return row;
  }

  function renderReply(reply) {
    if (!reply || typeof reply !== "object") return;
    if (reply.session_id) setSession(reply.session_id);
    if (reply.message_id != null) {
      var key = String(reply.message_id);
      if (state.rendered[key]) return;
      state.rendered[key] = true;
    }
    if (reply.silent) return;

    var L = tl(reply.lang);
    var b = addBubble("ha-bot", reply.message_id, reply.lang || state.lang);
    if (reply.intent) b.setAttribute("data-intent", String(reply.intent));
    if (reply.service) b.setAttribute("data-service", String(reply.service));
    b.appendChild(textBlock(reply.answer));

    var details = Array.isArray(reply.materials_detail) ? reply.materials_detail : [];
    if (details.length) {
      var cl = renderChecklist(details, L);
      if (cl) b.appendChild(cl);
    }

    var online = reply.online || {};
    var onlineUrl = online.available ? safeUrl(online.url, SERVER) : null;
    if (onlineUrl) {
      var onlineBox = el("div", { class: "ha-online-box" }, [
        // the server words the link and the caption by the online level (a booking page is not "网上办理")
        el("a", { class: "ha-online", href: onlineUrl, target: "_blank", rel: "noopener", "data-level": String(online.level || "") }, [
          typeof online.link === "string" && online.link ? online.link : L.applyOnline,
          icon(ICON_EXTERNAL, "0.95em"),
        ]),
      ]);
      var qr = reply.qr_url ? safeUrl(reply.qr_url, SERVER) : null;
      if (qr) {
        onlineBox.appendChild(
          el("figure", { class: "ha-qr-box" }, [
            el("img", { class: "ha-qr", src: qr, alt: L.qrAlt, width: "120", height: "120" }),
            el("figcaption", { class: "ha-qr-hint", text: typeof online.caption === "string" && online.caption ? online.caption : L.qrHint }),
          ])
        );
      }
      b.appendChild(onlineBox);
    }

    if (reply.ticket && typeof reply.ticket === "object") b.appendChild(renderTicket(reply.ticket, L));
    if (reply.appointment && typeof reply.appointment === "object") b.appendChild(renderBooking(reply, L));

    var items = Array.isArray(reply.buttons) && reply.buttons.length ? reply.buttons : [];
    if (!items.length && Array.isArray(reply.choices)) {
      items = reply.choices.map(function (c) {
        return { title: c && c.title, payload: c && c.title };
      });
    }
    if (items.length) {
      var q = quickButtons(items);
      if (q) b.appendChild(q);
    }

    if (reply.guide && typeof reply.guide === "object" && reply.guide.name) {
      var g = reply.guide;
      var gUrl = safeUrl(g.url, SERVER);
      b.appendChild(
        el("span", { class: "ha-source" }, [
          L.sourcePrefix,
          gUrl ? el("a", { href: gUrl, target: "_blank", rel: "noopener", text: String(g.name) }) : String(g.name),
          L.sourceSuffix(displayDate(g.updated_at)),
        ])
      );
    }

    if (reply.service && !reply.ticket) b.appendChild(renderRating(reply, L));

    reveal(b);
    Array.prototype.forEach.call(b.querySelectorAll("img"), function (img) {
      img.addEventListener("load", function () {
        if (b === log.lastElementChild || b.nextElementSibling === log.querySelector(".ha-typing")) reveal(b);
      });
    });
    noteActivity();
  }

  // ---------------------------------------------------------------- networking
  function errorText(status, body) {
    var d = body && body.detail;
    if (typeof d === "string" && d.trim()) return d;
    if (Array.isArray(d) && d.length) {
      var msgs = d
        .map(function (x) {
          return x && typeof x === "object" ? x.msg : x;
        })
        .filter(Boolean);
      if (msgs.length) return msgs.join("; ");
    }
    if (d && typeof d === "object" && typeof d.message === "string") return d.message;
    return t().httpError(status);
  }

  /** POST JSON; resolves {ok, data} or {ok:false, error}; never rejects. */
  function postJson(path, body) {
    var ctrl = typeof AbortController !== "undefined" ? new AbortController() : null;
    var timer = ctrl
      ? setTimeout(function () {
          ctrl.abort();
        }, REQUEST_TIMEOUT_MS)
      : null;
    return fetch(SERVER + path, {
      method: "POST",
      headers: { "Content-Type": "application/json", Accept: "application/json" },
      body: JSON.stringify(body),
      credentials: "omit",
      signal: ctrl ? ctrl.signal : undefined,
    })
      .then(
        function (res) {
          return res.text().then(function (raw) {
            var data = null;
            try {
              data = raw ? JSON.parse(raw) : null;
            } catch (e) {
              data = null;
            }
            if (!res.ok) return { ok: false, error: errorText(res.status, data) };
            if (!data || typeof data !== "object") return { ok: false, error: t().httpError(res.status) };
            return { ok: true, data: data };
          });
        },
        function () {
          return { ok: false, error: t().netError };
        }
      )
      .catch(function () {
        return { ok: false, error: t().netError };
      })
      .then(function (r) {
        if (timer) clearTimeout(timer);
        return r;
      });
  }

  function withSession(body) {
    if (state.sessionId) body.session_id = state.sessionId;
    return body;
  }

  /** Queue a request so replies render in the order they were asked. */
  function enqueue(path, bodyFn) {
    state.pending += 1;
    showTyping();
    var p = state.queue.then(function () {
      return postJson(path, bodyFn()).then(function (res) {
        state.pending -= 1;
        hideTyping();
        if (res.ok) {
          renderReply(res.data);
          armExpiry(res.data.expires_in);
        } else addError(res.error);
        return res.ok ? res.data : null;
      });
    });
    state.queue = p.catch(function () {});
    return p;
  }

  function send(text, display) {
    text = text == null ? "" : String(text);
    if (!text.trim()) return Promise.resolve(null);
    text = text.slice(0, MAX_LEN);
    if (!state.open) open({ focus: false });
    addUser(display != null && display !== "" ? display : text);
    var lang = state.lang;
    return enqueue("/api/v1/chat", function () {
      return withSession({ text: text, lang: lang, channel: "web" });
    });
  }

  function submitInput() {
    var text = input.value;
    if (!text.trim()) return;
    input.value = "";
    autoGrow();
    send(text);
    input.focus();
  }

  function handoff() {
    if (!state.open) open({ focus: false });
    state.onlyWelcome = false;
    var lang = state.lang;
    return enqueue("/api/v1/handoff", function () {
      return withSession({ lang: lang, channel: "web" });
    });
  }

  function setSession(id) {
    id = String(id);
    if (id === state.sessionId && (state.ws || state.wsTimer)) return;
    state.sessionId = id;
    storageSet(window.sessionStorage, SESSION_KEY, id);
    connectWs();
  }

  // ---------------------------------------------------------------- idle expiry (WCAG 2.2.1)
  /** The server forgets an idle conversation after ttl seconds: warn WARN_BEFORE_S before that. */
  function armExpiry(expiresIn) {
    if (!state.sessionId) return;
    var ttl = Number(expiresIn);
    if (ttl > 0 && isFinite(ttl)) state.ttl = ttl;
    clearWarning();
    clearTimeout(state.expiryTimer);
    state.expiresAt = Date.now() + state.ttl * 1000;
    state.expiryTimer = setTimeout(warnExpiry, Math.max(0, state.ttl - WARN_BEFORE_S) * 1000);
  }

  function clearWarning() {
    if (state.warning && state.warning.parentNode) state.warning.parentNode.removeChild(state.warning);
    state.warning = null;
  }

  function warnExpiry() {
    var L = t();
    var left = Math.max(1, Math.round((state.expiresAt - Date.now()) / 1000));
    var keep = el("button", { type: "button", class: "ha-keep", text: L.keep });
    keep.addEventListener("click", keepAlive);
    state.warning = el("div", { class: "ha-expiry", role: "alert" }, [el("p", { class: "ha-expiry-text", text: L.expiring(left) }), keep]);
    panel.insertBefore(state.warning, panel.querySelector(".ha-footer"));
    if (!state.open) {
      announce(L.expiring(left));
      noteActivity();
    }
    state.expiryTimer = setTimeout(expire, left * 1000);
  }

  function keepAlive() {
    var sid = state.sessionId;
    if (!sid) return expire();
    postJson("/api/v1/sessions/" + encodeURIComponent(sid) + "/keepalive", {}).then(function (res) {
      if (res.ok) {
        armExpiry(res.data.expires_in);
        if (state.open) input.focus();
      } else expire();
    });
  }

  /** The conversation is over: say so, and start the next question afresh (not as a follow-up). */
  function expire() {
    clearTimeout(state.expiryTimer);
    var hadFocus = state.warning && state.warning.contains(document.activeElement);
    clearWarning();
    if (!state.sessionId) return;
    state.sessionId = null;
    storageSet(window.sessionStorage, SESSION_KEY, null);
    closeWs();
    addBotText(t().expired, "ha-expired");
    if (!state.open) announce(t().expired);
    if (hadFocus) input.focus();
  }

  // ---------------------------------------------------------------- WebSocket
  function closeWs() {
    if (state.ws) {
      var old = state.ws;
      state.ws = null;
      try {
        old.close();
      } catch (e) {
        /* ignore */
      }
    }
    clearTimeout(state.wsTimer);
    state.wsTimer = null;
  }

  function wsUrl() {
    var base = SERVER.replace(/^http(s?):/i, "ws$1:");
    if (!/^wss?:/i.test(base)) base = location.origin.replace(/^http(s?):/i, "ws$1:");
    return base + "/api/v1/ws?session_id=" + encodeURIComponent(state.sessionId);
  }

  function connectWs() {
    if (!state.sessionId || typeof WebSocket === "undefined") return;
    if (state.ws && state.wsSession === state.sessionId && state.ws.readyState <= 1) return;
    closeWs();
    var sid = state.sessionId;
    var ws;
    try {
      ws = new WebSocket(wsUrl());
    } catch (e) {
      scheduleReconnect();
      return;
    }
    state.ws = ws;
    state.wsSession = sid;
    ws.onopen = function () {
      state.wsRetry = 0;
    };
    ws.onmessage = function (ev) {
      var msg;
      try {
        msg = JSON.parse(ev.data);
      } catch (e) {
        return;
      }
      handleWsMessage(msg);
    };
    ws.onclose = function () {
      if (state.ws !== ws) return; // replaced on purpose
      state.ws = null;
      scheduleReconnect();
    };
    ws.onerror = function () {
      /* onclose follows */
    };
  }

  function scheduleReconnect() {
    clearTimeout(state.wsTimer);
    var delay = Math.min(30000, 1000 * Math.pow(2, state.wsRetry)) + Math.floor(Math.random() * 500);
    state.wsRetry = Math.min(state.wsRetry + 1, 5);
    state.wsTimer = setTimeout(function () {
      state.wsTimer = null;
      connectWs();
    }, delay);
  }

  function handleWsMessage(msg) {
    if (!msg || typeof msg !== "object") return;
    var L = t();
    if (msg.type === "staff_message") {
      state.onlyWelcome = false;
      var b = addBubble("ha-bot ha-staff", msg.message_id, state.lang);
      var staffText = msg.text == null ? "" : String(msg.text);
      var staffName = L.staff(msg.staff_name ? String(msg.staff_name) : "");
      b.appendChild(el("div", { class: "ha-text" }, [el("strong", { class: "ha-staff-name", text: staffName }), staffText]));
      scrollDown();
      if (!state.open) announce(staffName + staffText);
      noteActivity();
    } else if (msg.type === "ticket_update") {
      state.onlyWelcome = false;
      var ticket = msg.ticket && typeof msg.ticket === "object" ? msg.ticket : null;
      var bubbleNode = null;
      if (msg.text) {
        bubbleNode = addBotText(String(msg.text), "ha-ticket-msg", msg.lang);
        if (!state.open) announce(String(msg.text));
      }
      if (ticket) {
        var box = state.lastTicketBox && state.lastTicketBox.isConnected ? state.lastTicketBox : null;
        if (box) {
          fillTicket(box, ticket, L);
          box.classList.remove("ha-flash");
          void box.offsetWidth;
          box.classList.add("ha-flash");
        } else {
          if (!bubbleNode) bubbleNode = addBubble("ha-bot ha-ticket-msg", null, state.lang);
          bubbleNode.appendChild(renderTicket(ticket, L));
          noteActivity();
        }
      }
      scrollDown();
    } else if (msg.type === "session" && msg.session_id) {
      // the server names the conversation: an id it no longer accepts (e.g. its secret changed) was
      // replaced by a new one, which this widget keeps so its next message and staff replies match
      var given = String(msg.session_id);
      if (given !== state.sessionId) {
        state.sessionId = given;
        state.wsSession = given;
        storageSet(window.sessionStorage, SESSION_KEY, given);
      }
    } else if (msg.type === "reply") {
      state.onlyWelcome = false;
      renderReply(msg.reply && typeof msg.reply === "object" ? msg.reply : msg);
    }
  }

  // ---------------------------------------------------------------- panel and settings
  function open(opts) {
    var focus = !(opts && opts.focus === false);
    if (!state.open) {
      state.open = true;
      panel.setAttribute("aria-modal", fullScreen() ? "true" : "false"); // full screen hides the page
      panel.hidden = false;
      root.classList.add("ha-open");
      bubble.setAttribute("aria-expanded", "true");
      state.unread = 0;
      badge.hidden = true;
      bubble.setAttribute("aria-label", t().bubble);
      if (!state.welcomed) showWelcome();
      scrollDown();
    }
    if (focus) input.focus();
  }

  function close() {
    if (!state.open) return;
    state.open = false;
    panel.hidden = true;
    root.classList.remove("ha-open");
    bubble.setAttribute("aria-expanded", "false");
    keepClearOfBubble();
    bubble.focus();
  }

  function setLang(l) {
    var lang = normLang(l);
    if (!lang) return state.lang;
    state.lang = lang;
    storageSet(localStore(), LANG_KEY, lang);
    loadWords(lang).then(function () {
      if (state.lang !== lang) return; // switched again meanwhile
      applyLabels();
      if (state.welcomed && state.onlyWelcome) showWelcome();
    });
    return lang;
  }

  function setLarge(on) {
    state.large = !!on;
    storageSet(localStore(), LARGE_KEY, state.large ? "1" : null);
    applyLarge();
    keepClearOfBubble();
    if (state.open) scrollDown();
  }

  // ---------------------------------------------------------------- start
  // the widget is built when its words have arrived: calls made before that wait for it
  var built = false;
  var whenBuilt = [];

  function afterBuild(fn) {
    return function () {
      var args = arguments;
      if (built) return fn.apply(null, args);
      return new Promise(function (resolve) {
        whenBuilt.push(function () {
          resolve(fn.apply(null, args));
        });
      });
    };
  }

  var api = {
    open: afterBuild(function () {
      open();
    }),
    close: afterBuild(close),
    toggle: afterBuild(function () {
      if (state.open) close();
      else open();
    }),
    send: afterBuild(function (text) {
      return send(text);
    }),
    setLang: function (l) {
      if (built) return setLang(l);
      var lang = normLang(l);
      if (lang) whenBuilt.push(function () {
        setLang(lang);
      });
      return lang || state.lang;
    },
    handoff: afterBuild(handoff),
  };
  Object.defineProperty(api, "lang", {
    get: function () {
      return state.lang;
    },
  });
  Object.defineProperty(api, "sessionId", {
    get: function () {
      return state.sessionId;
    },
  });
  window.HallAssistant = api;

  function init() {
    loadWords(state.lang).then(function () {
      build();
      built = true;
      whenBuilt.splice(0).forEach(function (fn) {
        fn();
      });
      if (state.sessionId) {
        connectWs();
        armExpiry();
      }
      try {
        if (new URLSearchParams(location.search).get("open") === "1") open();
      } catch (e) {
        /* no URLSearchParams */
      }
      loadWords(state.lang === "en" ? "zh" : "en"); // the other language, ready for the switch and for replies in it
    });
  }

  if (document.body) init();
  else document.addEventListener("DOMContentLoaded", init);
})();
