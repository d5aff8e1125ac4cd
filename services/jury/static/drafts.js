/* Keeps what a juror types in the scoring form in this browser (localStorage), so nothing
   is lost when the session or the form's token ran out before it reached the server.

   Each copy remembers the server draft (data-draft-version) it was typed on. When the form
   comes back showing that same version, the copy is newer than the server's draft and is
   put back; a newer server version (saved since) wins and the copy is dropped. A submitted
   scorecard drops the copy. Without JavaScript the form works the same, without this safety net. */
(function () {
  "use strict";
  var PREFIX = "rv-jury-draft:";
  var store;
  try { store = window.localStorage; } catch (e) { return; }
  if (!store) { return; }
  // Submitted scorecards (on the form or in the list of finalists) need no copy any more.
  document.querySelectorAll("[data-draft-key][data-draft-state=submitted]").forEach(function (el) {
    store.removeItem(PREFIX + el.dataset.draftKey);
  });
  var form = document.querySelector("form[data-draft-key]");
  // Only an open form takes a copy back (a closed one shows what the server holds).
  if (!form || !form.dataset.draftKey || form.dataset.draftState !== "open") { return; }
  var key = PREFIX + form.dataset.draftKey;
  var version = form.dataset.draftVersion;

  function fields() {
    return Array.prototype.filter.call(form.elements, function (el) {
      return el.name && el.type !== "hidden" && el.type !== "submit";
    });
  }
  function read() {
    var values = {};
    fields().forEach(function (el) {
      values[el.name] = el.type === "checkbox" ? el.checked : el.value;
    });
    return values;
  }
  function write(values) {
    fields().forEach(function (el) {
      if (!(el.name in values)) { return; }
      if (el.type === "checkbox") { el.checked = !!values[el.name]; } else { el.value = values[el.name]; }
    });
  }
  function same(a, b) {
    return Object.keys(a).every(function (name) { return !(name in b) || a[name] === b[name]; });
  }
  function load() {
    try { return JSON.parse(store.getItem(key)); } catch (e) { return null; }
  }
  function keep() {
    try { store.setItem(key, JSON.stringify({ base: version, values: read() })); } catch (e) { /* full or denied */ }
  }

  var kept = load();
  if (kept && kept.base !== version) {
    store.removeItem(key);
  } else if (kept && kept.values && !same(kept.values, read())) {
    write(kept.values);
    var notice = document.getElementById("draft-restored");
    if (notice) { notice.hidden = false; }
  }
  form.addEventListener("input", keep);
  form.addEventListener("change", keep);
  form.addEventListener("submit", keep);
}());
