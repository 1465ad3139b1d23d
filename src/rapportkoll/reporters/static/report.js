(function () {
  document.documentElement.classList.add("js");
  var form = document.getElementById("filters");
  if (!form) return;
  var items = Array.prototype.slice.call(document.querySelectorAll("article.finding"));
  function apply() {
    var sev = {};
    Array.prototype.forEach.call(form.querySelectorAll("input[name=severity]"), function (b) { sev[b.value] = b.checked; });
    var waived = form.querySelector("input[name=waived]").checked;
    var rule = form.elements.rule.value, report = form.elements.report.value, shown = 0;
    items.forEach(function (el) {
      var ok = sev[el.dataset.severity] && (waived || el.dataset.waived !== "1") &&
        (!rule || el.dataset.rule === rule) && (!report || el.dataset.report === report);
      el.hidden = !ok;
      if (ok) shown += 1;
    });
    document.getElementById("shown-count").textContent = shown;
  }
  form.addEventListener("change", apply);
  form.addEventListener("submit", function (e) { e.preventDefault(); });
  apply();
})();
