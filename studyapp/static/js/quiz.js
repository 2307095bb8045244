// Quiz pages: autosave each change, say whether answers are saved, count down to the deadline.
// The server is the authority: it fixes the deadline, refuses late saves and grades once. This
// script only saves sooner, shows the clock, and submits when the time is up.
(function () {
  "use strict";
  var form = document.getElementById("attempt-form");
  if (!form) return;
  var state = document.querySelector("[data-save-state]");
  var url = form.getAttribute("data-autosave");
  var token = form.querySelector("input[name=csrf_token]");
  var timerId = null;   // debounce or retry timer
  var inFlight = false;
  var dirty = false;    // changes not yet confirmed saved by the server
  var again = false;    // a change arrived while a save was in flight
  var retryDelay = 2000;
  var submitting = false;

  function show(text, kind) {
    if (!state) return;
    state.textContent = text;
    state.className = "save-state " + (kind || "");
  }

  function isJson(response) {
    var type = response.headers.get("Content-Type") || "";
    return type.indexOf("application/json") !== -1 && !response.redirected;
  }

  function save() {
    timerId = null;
    if (inFlight) { again = true; return; }
    inFlight = true;
    again = false;
    show("Saving…", "saving");
    fetch(url, {
      method: "POST",
      body: new FormData(form),
      headers: { "X-CSRFToken": token ? token.value : "", "Accept": "application/json" },
      credentials: "same-origin"
    }).then(function (response) {
      if (response.status === 409) {
        dirty = false;
        show("This attempt is closed; showing your result…", "error");
        window.location.reload();
        return;
      }
      if (response.status === 400 || response.status === 403 || !isJson(response)) {
        // An expired page or session: retrying will not help, a reload will.
        throw { fatal: true };
      }
      if (!response.ok) throw new Error("HTTP " + response.status);
      retryDelay = 2000;
      if (again) { schedule(0); return; }
      dirty = false;
      var time = new Date().toLocaleTimeString([], { hour: "2-digit", minute: "2-digit" });
      show("All answers saved (" + time + ")", "saved");
      markAnswered();
    }).catch(function (error) {
      if (error && error.fatal) {
        show("Not saved: this page has expired. Reload the page (your saved answers stay).", "error");
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

  function answeredIn(block) {
    var fields = block.querySelectorAll("input, select, textarea");
    for (var i = 0; i < fields.length; i++) {
      var f = fields[i];
      if ((f.type === "radio" || f.type === "checkbox") ? f.checked : f.value.trim() !== "") return true;
    }
    return false;
  }

  function markAnswered() {
    var blocks = form.querySelectorAll("[data-question]");
    var count = 0;
    for (var i = 0; i < blocks.length; i++) {
      var qid = blocks[i].getAttribute("data-question");
      var nav = form.querySelector("[data-qnav='" + qid + "']");
      var done = answeredIn(blocks[i]);
      if (nav) nav.classList.toggle("answered", done);
      if (done) count++;
    }
    // With one question per page, the numbered buttons know about the other pages too.
    var navs = form.querySelectorAll("[data-qnav]");
    if (navs.length) count = form.querySelectorAll("[data-qnav].answered").length;
    var counter = document.querySelector("[data-answered-count]");
    if (counter) counter.textContent = String(count);
  }

  form.addEventListener("change", function () { schedule(400); });
  form.addEventListener("input", function (event) {
    var t = event.target;
    if (t.type === "text" || t.tagName === "TEXTAREA") schedule(800);
  });

  form.addEventListener("submit", function (event) {
    var submitter = event.submitter;
    var message = submitter && submitter.getAttribute("data-confirm-submit");
    if (message && !submitting) {
      var blocks = form.querySelectorAll("[data-question]");
      var empty = 0;
      for (var i = 0; i < blocks.length; i++) if (!answeredIn(blocks[i])) empty++;
      if (empty) message = empty + " question" + (empty === 1 ? " is" : "s are") + " unanswered on this page. " + message;
      if (!window.confirm(message)) { event.preventDefault(); return; }
    }
    // The form itself carries every answer on the page, so a pending autosave is not needed.
    if (timerId) window.clearTimeout(timerId);
    dirty = false;
    submitting = true;
  });

  // Leaving or reloading within the debounce: hand the last changes to the browser to send.
  window.addEventListener("pagehide", function () {
    if (dirty && !submitting && navigator.sendBeacon) navigator.sendBeacon(url, new FormData(form));
  });

  var clock = document.querySelector("[data-deadline]");
  if (clock) {
    var deadline = Date.parse(clock.getAttribute("data-deadline"));
    var skew = Date.now() - Date.parse(clock.getAttribute("data-now"));
    var timed = clock.getAttribute("data-timed") === "yes";
    var out = clock.querySelector("[data-timer]");
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
