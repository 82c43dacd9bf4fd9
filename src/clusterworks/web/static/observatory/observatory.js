/* The observatory's map: pointing at or focusing a region shows its name and value in the readout;
   changing a choice of the map form shows the new map. No third-party code. */
(function () {
  "use strict";
  function readoutFor(svg) {
    var figure = svg.closest("figure");
    return figure ? figure.querySelector(".obs-readout") : null;
  }
  function show(event) {
    var region = event.target.closest ? event.target.closest(".obs-region") : null;
    if (!region) return;
    var readout = readoutFor(region.ownerSVGElement);
    if (readout) readout.textContent = region.getAttribute("data-name") + ": " + region.getAttribute("data-value");
  }
  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("svg.obs-map").forEach(function (svg) {
      svg.addEventListener("mouseover", show);
      svg.addEventListener("focusin", show);
    });
    document.querySelectorAll("form[data-autosubmit]").forEach(function (form) {
      form.querySelectorAll("select").forEach(function (select) {
        select.addEventListener("change", function () { form.submit(); });
      });
    });
  });
})();
