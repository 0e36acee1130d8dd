// Hookline console behaviour. Progressive: every form works without this file.
(function () {
  "use strict";

  // Grouped event picker: select/clear all, per-group toggles with mixed state, live counts.
  function setupPicker(picker) {
    var toolbar = picker.querySelector("[data-picker-toolbar]");
    var total = picker.querySelector("[data-picker-count]");
    var groups = Array.prototype.slice.call(picker.querySelectorAll(".event-group"));
    var all = function () { return Array.prototype.slice.call(picker.querySelectorAll('input[name="events"]')); };

    function refresh() {
      groups.forEach(function (group) {
        var boxes = Array.prototype.slice.call(group.querySelectorAll('input[name="events"]'));
        var checked = boxes.filter(function (b) { return b.checked; }).length;
        var toggle = group.querySelector("[data-group-toggle]");
        toggle.checked = checked === boxes.length && boxes.length > 0;
        toggle.indeterminate = checked > 0 && checked < boxes.length;
        toggle.setAttribute("aria-checked", toggle.indeterminate ? "mixed" : String(toggle.checked));
        group.querySelector("[data-group-count]").textContent = checked + " of " + boxes.length + " selected";
      });
      var boxes = all();
      var checked = boxes.filter(function (b) { return b.checked; }).length;
      total.textContent = checked + " of " + boxes.length + " selected";
    }

    toolbar.hidden = false;
    groups.forEach(function (group) {
      var toggle = group.querySelector("[data-group-toggle]");
      toggle.hidden = false;
      toggle.addEventListener("change", function () {
        group.querySelectorAll('input[name="events"]').forEach(function (b) { b.checked = toggle.checked; });
        refresh();
      });
    });
    picker.querySelector("[data-select-all]").addEventListener("click", function () {
      all().forEach(function (b) { b.checked = true; });
      refresh();
    });
    picker.querySelector("[data-clear-all]").addEventListener("click", function () {
      all().forEach(function (b) { b.checked = false; });
      refresh();
    });
    picker.addEventListener("change", function (event) {
      if (event.target.name === "events") { refresh(); }
    });
    refresh();
  }

  // Agent scope: say "All Agents" while nothing is checked.
  function setupAgentSummary(summary) {
    var form = summary.closest("form");
    function refresh() {
      var any = form.querySelectorAll('input[name="agents"]:checked').length;
      summary.textContent = any ? "Scope: " + any + " selected agent" + (any === 1 ? "" : "s") + " only" : "Scope: All Agents";
    }
    form.addEventListener("change", function (event) {
      if (event.target.name === "agents") { refresh(); }
    });
    refresh();
  }

  // Copy buttons for the one-time secret reveal.
  function setupCopy(button) {
    var target = document.getElementById(button.getAttribute("data-copy-target"));
    var status = button.parentNode.querySelector("[data-copy-status]");
    button.addEventListener("click", function () {
      target.select();
      var done = function () { if (status) { status.textContent = "Copied"; } };
      if (navigator.clipboard && window.isSecureContext) {
        navigator.clipboard.writeText(target.value).then(done, function () { document.execCommand("copy"); done(); });
      } else {
        document.execCommand("copy");
        done();
      }
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("[data-event-picker]").forEach(setupPicker);
    document.querySelectorAll("[data-agent-summary]").forEach(setupAgentSummary);
    document.querySelectorAll("[data-copy-target]").forEach(setupCopy);
    // After a refused save, move keyboard and screen-reader focus to the list of problems.
    var summary = document.getElementById("error-summary");
    if (summary) { summary.focus(); }
  });
})();
