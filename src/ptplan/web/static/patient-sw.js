// Service worker of the patient's pages (scope /me; served at /patient-sw.js by ptplan.web.views.offline).
// Network first for everything it keeps, so a patient online always sees the current plan; the cached copy
// is only used when the network fails. It keeps the patient's two pages (today's exercises, with their
// drawings inline, and progress) and the packaged CSS/JS/icons, nothing else: no API answers, no calendar.
// The server clears this cache at logout (Clear-Site-Data); a page answered with a redirect (the session
// ended) drops the cached pages at once.
"use strict";
var CACHE = "ptplan-patient-v1";
var PAGES = ["/me", "/me/progress"];
var ASSETS = ["/static/app.css", "/static/htmx.min.js", "/static/timer.js", "/static/offline.js",
              "/static/icons/icon.svg", "/static/icons/icon-192.png", "/static/icons/icon-512.png"];

function keyOf(url) { return url.origin + url.pathname; }  // /me?saved=1 and /me are one page
function kept(url) {
  return url.origin === self.location.origin && (PAGES.indexOf(url.pathname) >= 0 || ASSETS.indexOf(url.pathname) >= 0);
}
function dropPages(cache) {
  return Promise.all(PAGES.map(function (p) { return cache.delete(self.location.origin + p); }));
}

// Fetch and keep one request (a Request, or a URL at install); a page answered with a redirect (to the login:
// the session ended) is not kept and drops the pages kept before.
function refresh(cache, req) {
  var url = new URL(typeof req === "string" ? req : req.url, self.location.origin);
  var sent = typeof req === "string" ? fetch(url.href, {credentials: "same-origin", cache: "no-cache"}) : fetch(req);
  return sent.then(function (resp) {
    var moved = resp.redirected || resp.type === "opaqueredirect";
    if (resp.ok && !moved && resp.type === "basic") {
      return cache.put(keyOf(url), resp.clone()).then(function () { return resp; });
    }
    if (moved && PAGES.indexOf(url.pathname) >= 0) {
      return dropPages(cache).then(function () { return resp; });
    }
    return resp;
  });
}

self.addEventListener("install", function (event) {
  // Keep the pages already at the first visit, so they open offline afterwards; a failure here is not fatal.
  event.waitUntil(caches.open(CACHE).then(function (cache) {
    return Promise.all(ASSETS.concat(PAGES).map(function (u) {
      return refresh(cache, u).catch(function () { return null; });
    }));
  }).then(function () { return self.skipWaiting(); }));
});

self.addEventListener("activate", function (event) {
  event.waitUntil(caches.keys().then(function (names) {
    return Promise.all(names.filter(function (n) { return n.indexOf("ptplan-patient-") === 0 && n !== CACHE; })
      .map(function (n) { return caches.delete(n); }));
  }).then(function () { return self.clients.claim(); }));
});

self.addEventListener("fetch", function (event) {
  var req = event.request, url = new URL(req.url);
  if (req.method !== "GET" || !kept(url)) { return; }  // POSTs (the session log) always go to the network
  event.respondWith(caches.open(CACHE).then(function (cache) {
    return refresh(cache, req).catch(function () {
      return cache.match(keyOf(url)).then(function (hit) {
        return hit || Response.error();
      });
    });
  }));
});
