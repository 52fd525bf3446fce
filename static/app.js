// Progressive enhancement only: the pages work without this file.
(function () {
  "use strict";
  function tick(el) {
    var end = Date.parse(el.dataset.deadline);
    var left = Math.round((end - Date.now()) / 1000);
    var label = el.dataset.label || el.textContent;
    el.dataset.label = label;
    if (left <= 0) { el.classList.add("late"); el.textContent = label.split("·")[0] + "· 0:00"; return; }
    var m = Math.floor(left / 60), s = left % 60;
    el.textContent = label.split("·")[0] + "· " + m + ":" + (s < 10 ? "0" : "") + s;
  }
  document.addEventListener("DOMContentLoaded", function () {
    var timer = document.getElementById("timer");
    if (timer) { tick(timer); setInterval(function () { tick(timer); }, 1000); }
    document.querySelectorAll(".invite-url").forEach(function (el) {
      el.addEventListener("focus", function () { el.select(); });
    });
    var submit = document.getElementById("final-submit");
    if (submit) {
      submit.addEventListener("click", function (event) {
        if (!window.confirm(submit.dataset.confirm || "Submit now? Answers cannot change afterwards.")) { event.preventDefault(); }
      });
    }
  });
})();
