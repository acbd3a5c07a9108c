// Hold/rest timer for the patient's exercises: counts each hold, then the rest, for the prescribed reps.
(function () {
  "use strict";
  function setup(box) {
    var hold = parseInt(box.dataset.hold, 10) || 0, rest = parseInt(box.dataset.rest, 10) || 0,
        reps = parseInt(box.dataset.reps, 10) || 1, out = box.querySelector(".timer-display"), tick = null;
    function stop() { if (tick) { clearInterval(tick); tick = null; } }
    function run(rep, phase, left) {
      var label = phase === "hold" ? box.dataset.lHold : box.dataset.lRest;
      out.textContent = label + " " + left + "s  (" + rep + "/" + reps + ")";
      tick = setInterval(function () {
        left -= 1;
        if (left > 0) { out.textContent = label + " " + left + "s  (" + rep + "/" + reps + ")"; return; }
        stop();
        if (phase === "hold" && rest > 0 && rep < reps) { run(rep, "rest", rest); }
        else if (rep < reps) { run(rep + 1, "hold", hold); }
        else { out.textContent = box.dataset.lDone; }
      }, 1000);
    }
    box.querySelector(".timer-start").addEventListener("click", function () { stop(); if (hold > 0) run(1, "hold", hold); });
    box.querySelector(".timer-stop").addEventListener("click", function () { stop(); out.textContent = "—"; });
  }
  document.querySelectorAll(".timer").forEach(setup);
})();
