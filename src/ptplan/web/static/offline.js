// The patient's pages offline: registers the service worker (patient-sw.js, scope /me) and keeps a session
// log typed while offline in this browser's storage until it can be sent. Each log carries its client_key,
// and the server stores a key once (ptplan.clinic.sessions.log_session), so a log sent twice (two tabs, a
// lost answer) is still one session. Texts come from #offline-status (rendered from web/messages).
(function () {
  "use strict";
  var KEY = "ptplan.offline-sessions";
  var status = document.getElementById("offline-status"), alertBox = document.getElementById("offline-alert");
  if (!status) { return; }
  var owner = status.dataset.owner, l = status.dataset, flushing = false;
  if ("serviceWorker" in navigator) {
    navigator.serviceWorker.register("/patient-sw.js", {scope: "/me"}).catch(function () { return null; });
  }

  function load() { try { return JSON.parse(localStorage.getItem(KEY) || "[]"); } catch (e) { return []; } }
  function save(list) { localStorage.setItem(KEY, JSON.stringify(list)); }
  function mine() { return load().filter(function (e) { return e.owner === owner; }); }
  function drop(key) { save(load().filter(function (e) { return e.key !== key; })); }
  function say(text) { status.textContent = text || ""; status.hidden = !text; }
  function warn(text) { alertBox.textContent = text || ""; alertBox.hidden = !text; }
  function fill(text, values) {
    return text.replace(/\{(\w+)\}/g, function (m, k) { return values[k] !== undefined ? values[k] : m; });
  }
  function newKey() {
    var bytes = new Uint8Array(16);
    crypto.getRandomValues(bytes);
    return Array.prototype.map.call(bytes, function (b) { return ("0" + b.toString(16)).slice(-2); }).join("");
  }
  function csrf() { var el = document.querySelector('input[name="csrf_token"]'); return el ? el.value : ""; }
  function localDay() {
    var d = new Date();
    return d.getFullYear() + "-" + ("0" + (d.getMonth() + 1)).slice(-2) + "-" + ("0" + d.getDate()).slice(-2);
  }
  function waiting() {
    var n = mine().length;
    say(n ? fill(navigator.onLine ? l.lWaiting : l.lWaitingOffline, {n: n}) : (navigator.onLine ? "" : l.lOffline));
  }

  // Send the waiting logs one after another. Kept on a network error, a 5xx or an ended session (sent after the
  // next login); dropped once stored (2xx, also "stored before") or refused as invalid (422, told to the patient).
  function flush() {
    var pending = mine();
    if (flushing || !navigator.onLine || !pending.length) { return Promise.resolve(); }
    flushing = true;
    var sent = 0, refused = [], relogin = false, actions = [];
    var chain = pending.reduce(function (prev, entry) {
      return prev.then(function () {
        var body = new URLSearchParams(entry.fields);
        body.set("csrf_token", csrf());
        return fetch("/me/sessions", {method: "POST", body: body, credentials: "same-origin"}).then(function (resp) {
          var path = new URL(resp.url).pathname;
          if (path === "/login" || resp.status === 403) { relogin = true; return null; }
          if (resp.status === 422) { drop(entry.key); refused.push(entry.date); return null; }
          if (!resp.ok) { return null; }
          drop(entry.key);
          sent += 1;
          return path === "/me/sessions" ? resp.text().then(function (html) {  // a warning sign: what to do
            var doc = new DOMParser().parseFromString(html, "text/html"), act = doc.querySelector("#symptom-action .alert-action");
            if (act) { actions.push(act.textContent); }
          }) : null;
        });
      });
    }, Promise.resolve());
    return chain.catch(function () { return null; }).then(function () {
      flushing = false;
      var lines = [];
      if (sent) { lines.push(fill(l.lSent, {n: sent})); }
      if (refused.length) { lines.push(fill(l.lRefused, {dates: refused.join(", ")})); }
      if (relogin) { lines.push(l.lRelogin); }
      var left = mine().length;
      if (left && !relogin) { lines.push(fill(l.lWaiting, {n: left})); }
      say(lines.join(" "));
      if (actions.length) { warn(actions.join(" ")); }
    });
  }

  // Pain must be empty or 0-10 (as the server checks); full-width digits are read as the server reads them.
  function checkPain(form) {
    var first = null;
    ["pain_before", "pain_after"].forEach(function (name) {
      var el = form.elements[name];
      if (!el) { return; }
      var raw = el.value.trim().replace(/[０-９．]/g, function (c) { return String.fromCharCode(c.charCodeAt(0) - 0xFEE0); });
      var n = Number(raw), ok = raw === "" || (!isNaN(n) && n >= 0 && n <= 10);
      var err = document.getElementById(name + "-err");
      if (ok) {
        el.removeAttribute("aria-invalid");
        if (err) { err.remove(); }
        return;
      }
      if (!err) {
        err = document.createElement("p");
        err.className = "field-error";
        err.id = name + "-err";
        err.setAttribute("role", "alert");
        el.insertAdjacentElement("afterend", err);
      }
      err.textContent = l.lPainRange;
      el.setAttribute("aria-invalid", "true");
      el.setAttribute("aria-describedby", err.id);
      first = first || el;
    });
    if (first) { first.focus(); }
    return !first;
  }

  var form = document.querySelector("form.log-form");
  if (form) {
    // A key of this browser's own for each log: a page kept in the cache would otherwise offer the same key again.
    if (form.elements.client_key) { form.elements.client_key.value = newKey(); }
    if (!navigator.onLine && form.elements.performed_on && form.elements.performed_on.value === form.elements.performed_on.defaultValue) {
      form.elements.performed_on.value = localDay();  // a page kept from an earlier day still logs today
    }
    form.addEventListener("submit", function (ev) {
      var fields = [];
      new FormData(form).forEach(function (v, k) { if (k !== "csrf_token") { fields.push([k, String(v)]); } });
      var keyField = form.elements.client_key;
      var entry = {key: keyField.value || newKey(), owner: owner, fields: fields,
                   date: form.elements.performed_on ? form.elements.performed_on.value : localDay()};
      if (!keyField.value) { fields.push(["client_key", entry.key]); }
      if (navigator.onLine) {  // the ordinary post, answered by the server; a copy waits in case it never arrives
        save(load().concat([Object.assign(entry, {inflight: true})]));
        return;
      }
      ev.preventDefault();
      if (!checkPain(form)) { return; }
      save(load().concat([entry]));
      var signs = Array.prototype.map.call(form.querySelectorAll('input[type="radio"][value="yes"]:checked'),
                                           function (el) { return el.dataset.action; }).filter(Boolean);
      form.reset();
      keyField.value = newKey();  // the next log is another session
      form.elements.performed_on.value = entry.date;
      waiting();
      say(l.lQueued + " " + status.textContent);
      warn(signs.length ? l.lSignsOffline + " " + signs.join(" ") : "");
      status.scrollIntoView({block: "center"});
    });
  }

  // Logging out clears what this phone keeps (the server sends Clear-Site-Data): send what waits first.
  var logout = document.querySelector('form[action="/logout"]');
  if (logout) {
    logout.addEventListener("submit", function (ev) {
      if (!mine().length) { return; }
      ev.preventDefault();
      flush().then(function () {
        if (!mine().length || window.confirm(l.lLogoutUnsent)) { logout.submit(); }
      });
    });
  }

  // A log posted online waits marked in flight until a page loads. The server's answer to that post (the
  // progress page with saved=1, or a page at /me/sessions: the warning-sign answer or the form with errors)
  // settles the newest one; any other in-flight log did not arrive (the network was up but went nowhere) and
  // is sent like one logged offline. Sending one that did arrive is harmless: its client_key is stored once.
  function settle() {
    var list = load(), mineInflight = list.filter(function (e) { return e.owner === owner && e.inflight; });
    if (!mineInflight.length) { return; }
    var answered = location.pathname === "/me/sessions" ||
                   (location.pathname === "/me/progress" && /[?&]saved=1(&|$)/.test(location.search));
    var newest = mineInflight[mineInflight.length - 1].key;
    save(list.filter(function (e) { return !(answered && e.owner === owner && e.key === newest); })
      .map(function (e) { if (e.owner === owner) { delete e.inflight; } return e; }));
  }

  settle();
  window.addEventListener("online", function () { flush(); });
  window.addEventListener("offline", waiting);
  waiting();
  flush();
})();
