// phucdap intake: small enhancements only. The form works without them.
(function () {
  "use strict";

  // Live character count for text areas marked data-count.
  document.querySelectorAll("[data-counter-for]").forEach(function (out) {
    var field = document.getElementById(out.getAttribute("data-counter-for"));
    if (!field) return;
    var max = parseInt(field.getAttribute("maxlength"), 10) || 0;
    var tpl = out.getAttribute("data-template") || "{n}/{max}";
    function update() {
      // Count characters as the server does (code points), not UTF-16 units.
      var n = Array.from(field.value).length;
      out.textContent = tpl.replace("{n}", n).replace("{max}", max);
    }
    field.addEventListener("input", update);
    update();
  });

  // File size and count check before the upload starts.
  document.querySelectorAll("input[type=file][data-max-bytes]").forEach(function (input) {
    var max = parseInt(input.getAttribute("data-max-bytes"), 10);
    var maxFiles = parseInt(input.getAttribute("data-max-files"), 10);
    var box = input.parentNode.querySelector("[data-file-error]");
    input.addEventListener("change", function () {
      var msgs = [];
      if (input.files.length > maxFiles) msgs.push(input.getAttribute("data-too-many"));
      Array.prototype.forEach.call(input.files, function (f) {
        if (f.size > max) msgs.push(input.getAttribute("data-too-big").replace("{name}", f.name));
      });
      if (box) {
        box.textContent = msgs.join(" ");
        box.hidden = msgs.length === 0;
      }
      if (msgs.length) input.value = "";
    });
  });

  // The secrecy box matters only for a denunciation.
  var form = document.querySelector("form[data-intake]");
  if (form) {
    var only = form.querySelectorAll("[data-kind-only]");
    var sync = function () {
      var k = form.querySelector("input[name=kind]:checked");
      only.forEach(function (el) {
        el.hidden = !(k && k.value === el.getAttribute("data-kind-only"));
      });
    };
    form.addEventListener("change", sync);
    sync();

    // One click, one submission: disable the button after the first.
    form.addEventListener("submit", function () {
      var b = form.querySelector("button[type=submit]");
      if (!b || b.disabled) return;
      window.setTimeout(function () {
        b.disabled = true;
        if (b.getAttribute("data-busy")) b.textContent = b.getAttribute("data-busy");
      }, 0);
    });
  }

  // Move focus to the error summary so a screen reader reads it first.
  var summary = document.getElementById("error-summary");
  if (summary) summary.focus();

  // A print button, shown only where it works.
  document.querySelectorAll("[data-print]").forEach(function (b) {
    b.hidden = false;
    b.addEventListener("click", function () { window.print(); });
  });
})();
