// The branding page's live preview: the colour as it is typed or picked (with its
// contrast against white, by the same WCAG formula the server checks), and a chosen
// logo before it is uploaded. Without JavaScript the form works the same; the
// preview then shows what is saved.
(function () {
  "use strict";
  var preview = document.getElementById("brand-preview");
  var text = document.getElementById("id_accent_colour");
  var picker = document.getElementById("id_accent_picker");
  var live = document.getElementById("contrast-live");
  var fileInput = document.getElementById("id_logo");
  var logo = document.getElementById("preview-logo");
  var name = document.getElementById("preview-name");
  if (!preview || !text || !live) return;

  function channel(value) {
    var c = value / 255;
    return c <= 0.04045 ? c / 12.92 : Math.pow((c + 0.055) / 1.055, 2.4);
  }
  function parts(hex) {
    return [1, 3, 5].map(function (i) { return parseInt(hex.substr(i, 2), 16); });
  }
  function contrast(hex) {
    var rgb = parts(hex);
    var lum = 0.2126 * channel(rgb[0]) + 0.7152 * channel(rgb[1]) + 0.0722 * channel(rgb[2]);
    return 1.05 / (lum + 0.05);
  }
  function darker(hex) {
    return "#" + parts(hex).map(function (v) {
      var d = Math.round(v * 0.8).toString(16);
      return d.length < 2 ? "0" + d : d;
    }).join("");
  }
  function normal(value) {
    value = value.trim();
    if (value && value.charAt(0) !== "#") value = "#" + value;
    return /^#[0-9a-fA-F]{6}$/.test(value) ? value.toUpperCase() : null;
  }
  function plain() {
    preview.classList.remove("has-accent");
    preview.style.removeProperty("--accent");
    preview.style.removeProperty("--accent-dark");
  }
  // The sentences come from the page (data-* on the live region), marked for translation.
  function say(key, colour, ratio) {
    return (live.dataset[key] || "").replace("{colour}", colour).replace("{ratio}", ratio);
  }
  function show() {
    if (!text.value.trim()) {
      plain();
      live.textContent = say("empty", "", "");
      return;
    }
    var colour = normal(text.value);
    if (!colour) {
      live.textContent = say("format", "", "");
      return;
    }
    var ratio = contrast(colour);
    var shown = (Math.floor(ratio * 100) / 100).toFixed(2) + ":1";
    if (ratio < 4.5) {
      plain();
      live.textContent = say("tooLight", colour, shown);
      return;
    }
    preview.style.setProperty("--accent", colour);
    preview.style.setProperty("--accent-dark", darker(colour));
    preview.classList.add("has-accent");
    live.textContent = say("readable", colour, shown);
  }

  text.addEventListener("input", function () {
    var colour = normal(text.value);
    if (colour && picker) picker.value = colour.toLowerCase();
    show();
  });
  if (picker) {
    picker.addEventListener("input", function () {
      text.value = picker.value.toUpperCase();
      show();
    });
  }
  if (fileInput && logo) {
    fileInput.addEventListener("change", function () {
      var file = fileInput.files && fileInput.files[0];
      if (!file || !/^image\/(png|svg\+xml)$/.test(file.type)) return;
      var reader = new FileReader();
      reader.onload = function () {
        logo.src = String(reader.result);  // a data: address, which the page's policy allows
        logo.hidden = false;
        if (name) name.hidden = true;
      };
      reader.readAsDataURL(file);
    });
  }
})();
