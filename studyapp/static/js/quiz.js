// Quiz pages: autosave each change, show whether answers are saved, count down the time limit.
(function () {
  "use strict";
  var form = document.getElementById("attempt-form");
  if (!form) return;
  var state = document.querySelector("[data-save-state]");
  var url = form.getAttribute("data-autosave");
  var token = form.querySelector("input[name=csrf_token]");
  var pending = null;
  var retryDelay = 2000;

  function show(text, kind) {
    if (!state) return;
    state.textContent = text;
    state.className = "save-state " + (kind || "");
  }
  function save() {
    pending = null;
    show("Saving…", "saving");
    var body = new FormData(form);
    fetch(url, {
      method: "POST",
      body: body,
      headers: { "X-CSRFToken": token ? token.value : "", "Accept": "application/json" },
      credentials: "same-origin"
    }).then(function (response) {
      if (response.status === 409) {
        show("This attempt is closed.", "error");
        window.location.reload();
        return;
      }
      if (!response.ok) throw new Error("HTTP " + response.status);
      retryDelay = 2000;
      show("All answers saved", "saved");
      markAnswered();
    }).catch(function () {
      show("Not saved: connection lost, retrying…", "error");
      pending = window.setTimeout(save, retryDelay);
      retryDelay = Math.min(retryDelay * 2, 30000);
    });
  }
  function schedule() {
    if (pending) window.clearTimeout(pending);
    show("Unsaved changes…", "saving");
    pending = window.setTimeout(save, 600);
  }
  function markAnswered() {
    var current = document.querySelector(".qnav-item.current");
    if (current) current.classList.add("answered");
  }
  form.addEventListener("change", schedule);
  form.addEventListener("input", function (event) {
    if (event.target.type === "text" || event.target.tagName === "TEXTAREA") schedule();
  });
  form.addEventListener("submit", function (event) {
    var submitter = event.submitter;
    var message = submitter && submitter.getAttribute("data-confirm-submit");
    if (message && !window.confirm(message)) event.preventDefault();
    if (pending) window.clearTimeout(pending);
  });

  var timer = document.querySelector("[data-deadline]");
  if (timer) {
    var deadline = Date.parse(timer.getAttribute("data-deadline"));
    var skew = Date.now() - Date.parse(timer.getAttribute("data-now"));
    var out = timer.querySelector("[data-timer]");
    var tick = function () {
      var left = Math.max(0, deadline - (Date.now() - skew));
      var minutes = Math.floor(left / 60000);
      var seconds = Math.floor((left % 60000) / 1000);
      out.textContent = minutes + ":" + (seconds < 10 ? "0" : "") + seconds;
      if (left <= 60000) timer.classList.add("urgent");
      if (left <= 0) {
        window.clearInterval(handle);
        var finish = form.querySelector("button[value=finish]");
        if (finish) { finish.removeAttribute("data-confirm-submit"); finish.click(); }
      }
    };
    var handle = window.setInterval(tick, 1000);
    tick();
  }
})();
