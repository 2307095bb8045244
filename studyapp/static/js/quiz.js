// Quiz and practice pages: save each change, keep unsent changes across a reload, say whether
// answers are saved, count the unanswered questions, count down to the deadline.
//
// The server is the authority: it fixes the deadline, refuses late saves, grades once, and keeps
// only the newest answer to each question. Every change gets a number (the server's clock in
// milliseconds, as this page estimates it, never less than a number used before), sent with the
// answer; a save numbered lower than the stored answer changes nothing, so a save that lands
// late, a second tab or a reload during a save never brings an older answer back. Changes not
// yet confirmed by the server are also kept in localStorage (by attempt and question) and put
// back, and sent again, when the page comes back showing an older answer.
(function () {
  "use strict";

  var PREFIX = "studyapp:draft:";
  var KEEP_DAYS = 14;

  function forget(key) {
    try { window.localStorage.removeItem(PREFIX + key); } catch (e) { /* storage off */ }
  }

  // A result page: its attempt's local copies are no longer needed.
  var done = document.querySelectorAll("[data-draft-done]");
  for (var d = 0; d < done.length; d++) forget(done[d].getAttribute("data-draft-done"));

  var form = document.querySelector("form[data-autosave]");
  if (!form) return;
  var state = document.querySelector("[data-save-state]");
  var url = form.getAttribute("data-autosave");
  var draftKey = form.getAttribute("data-draft");
  var token = form.querySelector("input[name=csrf_token]");
  var blocks = Array.prototype.slice.call(form.querySelectorAll("[data-question]"));
  var timerId = null;   // debounce or retry timer
  var inFlight = false;
  var dirty = false;    // changes not yet confirmed saved by the server
  var again = false;    // a change arrived while a save was in flight
  var retryDelay = 2000;
  var submitting = false;

  // --- numbering changes, and the local copy of unsent ones ---
  var serverNow = Date.parse(form.getAttribute("data-now") || "");
  var skew = isNaN(serverNow) ? 0 : Date.now() - serverNow;
  var highest = 0;      // the highest number the server has shown this page
  blocks.forEach(function (block) {
    highest = Math.max(highest, Number(block.getAttribute("data-seq")) || 0);
  });

  function storage() {
    try { return window.localStorage; } catch (e) { return null; }
  }

  function load() {
    var store = storage();
    var raw = null;
    try { raw = store && store.getItem(PREFIX + draftKey); } catch (e) { raw = null; }
    var data = null;
    try { data = raw ? JSON.parse(raw) : null; } catch (e) { data = null; }
    if (!data || typeof data !== "object" || !data.q || typeof data.q !== "object") {
      data = { last: 0, q: {} };
    }
    return data;
  }

  var local = load();

  function persist() {
    var store = storage();
    if (!store) return;
    try {
      if (Object.keys(local.q).length) {
        local.t = Date.now();
        store.setItem(PREFIX + draftKey, JSON.stringify(local));
      } else {
        store.removeItem(PREFIX + draftKey);
      }
    } catch (e) { /* full or off: the server copy still counts */ }
  }

  // Local copies of other attempts untouched for a fortnight go (an attempt ends by then).
  function prune() {
    var store = storage();
    if (!store) return;
    try {
      for (var i = store.length - 1; i >= 0; i--) {
        var key = store.key(i);
        if (!key || key.indexOf(PREFIX) !== 0 || key === PREFIX + draftKey) continue;
        var data = null;
        try { data = JSON.parse(store.getItem(key)); } catch (e) { data = null; }
        if (!data || !(data.t > Date.now() - KEEP_DAYS * 86400000)) store.removeItem(key);
      }
    } catch (e) { /* storage off */ }
  }

  function nextSeq() {
    var seq = Math.max(Math.round(Date.now() - skew), (Number(local.last) || 0) + 1, highest + 1);
    local.last = seq;
    return seq;
  }

  function numberOf(block) { return block.getAttribute("data-question"); }

  function fieldsOf(block) {
    var prefix = block.getAttribute("data-prefix");
    var all = block.querySelectorAll("input, select, textarea");
    return Array.prototype.filter.call(all, function (f) {
      return f.name && f.name.indexOf(prefix) === 0 && f.name !== prefix + "seq";
    });
  }

  function seqField(block) {
    var name = block.getAttribute("data-prefix") + "seq";
    var field = block.querySelector("input[name='" + name + "']");
    if (!field) {
      field = document.createElement("input");
      field.type = "hidden";
      field.name = name;
      field.value = String(Number(block.getAttribute("data-seq")) || 0);
      block.appendChild(field);
    }
    return field;
  }

  function snapshot(block) {
    var out = [];
    fieldsOf(block).forEach(function (f) {
      if (f.type === "radio" || f.type === "checkbox") {
        if (f.checked) out.push([f.name, f.value]);
      } else {
        out.push([f.name, f.value]);
      }
    });
    return out;
  }

  function restore(block, fields) {
    fieldsOf(block).forEach(function (f) {
      var values = fields.filter(function (pair) { return pair[0] === f.name; });
      if (f.type === "radio" || f.type === "checkbox") {
        f.checked = values.some(function (pair) { return pair[1] === f.value; });
      } else {
        f.value = values.length ? values[0][1] : "";
      }
    });
    var lists = block.querySelectorAll("[data-ordering]");
    for (var i = 0; i < lists.length; i++) {
      if (window.StudyappOrdering) window.StudyappOrdering.refresh(lists[i]);
    }
  }

  // A change: number it and keep a copy until the server confirms it.
  function touched(block) {
    var seq = nextSeq();
    seqField(block).value = String(seq);
    local.q[numberOf(block)] = { seq: seq, fields: snapshot(block) };
    persist();
  }

  // --- saving ---
  function show(text, kind) {
    if (!state) return;
    state.textContent = text;
    state.className = "save-state " + (kind || "");
  }

  function isJson(response) {
    var type = response.headers.get("Content-Type") || "";
    return type.indexOf("application/json") !== -1 && !response.redirected;
  }

  function confirmed(sent) {
    Object.keys(sent).forEach(function (n) {
      if (local.q[n] && local.q[n].seq <= sent[n]) delete local.q[n];
    });
    persist();
  }

  function save() {
    timerId = null;
    if (inFlight) { again = true; return; }
    inFlight = true;
    again = false;
    show("Saving…", "saving");
    var sent = {};
    blocks.forEach(function (block) { sent[numberOf(block)] = Number(seqField(block).value) || 0; });
    fetch(url, {
      method: "POST",
      body: new FormData(form),
      headers: { "X-CSRFToken": token ? token.value : "", "Accept": "application/json" },
      credentials: "same-origin"
    }).then(function (response) {
      if (response.status === 409) {
        dirty = false;
        local.q = {};
        persist();
        show("This attempt is closed; showing your result…", "error");
        window.location.reload();
        return null;
      }
      if (response.status === 404 && isJson(response)) {
        // The attempt no longer exists (or is not this student's): saving again will not help.
        return response.json().then(function (body) {
          dirty = false;
          throw { fatal: true, message: body.error };
        });
      }
      if (response.status === 400 || response.status === 403 || !isJson(response)) {
        // An expired page or session: retrying will not help, a reload will.
        throw { fatal: true };
      }
      if (!response.ok) throw new Error("HTTP " + response.status);
      return response.json();
    }).then(function (body) {
      if (!body) return;
      retryDelay = 2000;
      confirmed(sent);
      if (again) { schedule(0); return; }
      dirty = false;
      markAnswered();
      var refused = body.refused || [];
      var kept = body.kept || [];
      if (refused.length) { show("Not saved: " + refused.join(" "), "error"); return; }
      var time = new Date().toLocaleTimeString([], { hour: "2-digit", minute: "2-digit" });
      var text = "All answers saved (" + time + ")";
      if (kept.length) {
        text = "Saved (" + time + "), but question " + kept.join(", ") + " has a newer answer " +
          "from another window: reload the page to see it.";
      }
      show(text, "saved");
    }).catch(function (error) {
      if (error && error.fatal) {
        show(error.message ? "Not saved: " + error.message :
          "Not saved: this page has expired. Reload the page (your answers stay).", "error");
        return;
      }
      show("Not saved: connection lost, retrying…", "error");
      timerId = window.setTimeout(save, retryDelay);
      retryDelay = Math.min(retryDelay * 2, 30000);
    }).then(function () {
      inFlight = false;
    });
  }

  function schedule(delay) {
    dirty = true;
    if (timerId) window.clearTimeout(timerId);
    if (!inFlight) show("Unsaved changes…", "saving");
    timerId = window.setTimeout(save, delay);
  }

  // --- counting answered questions (across the whole attempt) ---
  function answeredIn(block) {
    return fieldsOf(block).some(function (f) {
      return (f.type === "radio" || f.type === "checkbox") ? f.checked : f.value.trim() !== "";
    });
  }

  // Questions on other pages are counted by the server: their buttons carry "answered".
  function markAnswered() {
    var count = 0;
    blocks.forEach(function (block) {
      var nav = form.querySelector("[data-qnav='" + numberOf(block) + "']");
      var answered = answeredIn(block);
      if (nav) nav.classList.toggle("answered", answered);
      if (answered) count++;
    });
    if (form.querySelectorAll("[data-qnav]").length) {
      count = form.querySelectorAll("[data-qnav].answered").length;
    }
    var counter = document.querySelector("[data-answered-count]");
    if (counter) counter.textContent = String(count);
    return count;
  }

  function blockOf(target) {
    var block = target && target.closest ? target.closest("[data-question]") : null;
    return block && form.contains(block) ? block : null;
  }

  form.addEventListener("change", function (event) {
    var block = blockOf(event.target);
    if (block) touched(block);
    markAnswered();
    schedule(400);
  });
  form.addEventListener("input", function (event) {
    var t = event.target;
    if (t.type === "text" || t.tagName === "TEXTAREA") {
      var block = blockOf(t);
      if (block) touched(block);
      schedule(800);
    }
  });

  form.addEventListener("submit", function (event) {
    var submitter = event.submitter;
    var message = submitter && submitter.getAttribute("data-confirm-submit");
    if (message && !submitting) {
      var total = Number(form.getAttribute("data-total")) || blocks.length;
      var empty = total - markAnswered();
      if (empty > 0) {
        message = empty + " of " + total + (total === 1 ? " question " : " questions ") +
          (empty === 1 ? "is" : "are") + " unanswered. " + message;
      }
      if (!window.confirm(message)) { event.preventDefault(); return; }
    }
    // The form itself carries every answer on the page, with its number, so a pending
    // autosave is not needed; the local copies go once a page shows the server has them.
    if (timerId) window.clearTimeout(timerId);
    dirty = false;
    submitting = true;
  });

  // Leaving or reloading within the debounce: hand the last changes to the browser to send
  // (the local copy covers the case where it never arrives).
  window.addEventListener("pagehide", function () {
    if (dirty && !submitting && navigator.sendBeacon) navigator.sendBeacon(url, new FormData(form));
  });

  // --- on load: put back changes the server has not got yet, and send them ---
  prune();
  var unsent = false;
  blocks.forEach(function (block) {
    var field = seqField(block);
    var mine = local.q[numberOf(block)];
    if (!mine) return;
    if (mine.seq > (Number(block.getAttribute("data-seq")) || 0) && Array.isArray(mine.fields)) {
      restore(block, mine.fields);
      field.value = String(mine.seq);
      unsent = true;
    } else {
      delete local.q[numberOf(block)];
    }
  });
  persist();
  if (unsent) schedule(0);

  // --- the clock ---
  var clock = document.querySelector("[data-deadline]");
  if (clock) {
    var deadline = Date.parse(clock.getAttribute("data-deadline"));
    var out = clock.querySelector("[data-timer]");
    var timed = clock.getAttribute("data-timed") === "yes";
    var handle = null;
    var pad = function (n) { return (n < 10 ? "0" : "") + n; };
    var tick = function () {
      var left = Math.max(0, deadline - (Date.now() - skew));
      var hours = Math.floor(left / 3600000);
      var minutes = Math.floor((left % 3600000) / 60000);
      var seconds = Math.floor((left % 60000) / 1000);
      var text = (hours ? hours + ":" + pad(minutes) : String(minutes)) + ":" + pad(seconds);
      if (timed || left < 3600000) {
        out.hidden = false;
        out.textContent = timed ? text : "(" + text + " left)";
      }
      clock.classList.toggle("urgent", left <= 60000);
      if (left <= 0) {
        window.clearInterval(handle);
        show("Time is up: submitting your answers…", "error");
        var finish = form.querySelector("[data-submit]");
        if (finish && !submitting) {
          submitting = true;
          finish.removeAttribute("data-confirm-submit");
          if (form.requestSubmit) form.requestSubmit(finish); else finish.click();
        }
      }
    };
    handle = window.setInterval(tick, 1000);
    tick();
  }
  markAnswered();
})();
