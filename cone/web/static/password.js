// Password fields: a "Show" button on each, and a strength meter on a new password
// (progressive enhancement: without script the fields work as plain password inputs; the
// server applies the real rules, including the list of common passwords).
(function () {
  "use strict";
  var MIN = 12, MAX = 128;

  function collapsed(value) { return value.replace(/ {2,}/g, " "); }

  function score(value) {
    var text = collapsed(value);
    if (text.length < MIN) { return 0; }
    var kinds = [/[a-z]/, /[A-Z]/, /[0-9]/, /[^A-Za-z0-9]/].filter(function (re) { return re.test(text); }).length;
    var distinct = new Set(text.toLowerCase()).size;
    if (distinct < 5) { return 1; }
    var points = (text.length >= 16 ? 2 : 1) + (text.length >= 24 ? 1 : 0) + (kinds >= 3 ? 1 : 0);
    return Math.min(4, points + (distinct >= 10 ? 1 : 0));
  }

  var WORDS = ["Too short: use at least 12 characters", "Weak: too few different characters",
               "Fair", "Good", "Strong", "Very strong"];

  function addMeter(input) {
    var meter = document.createElement("meter");
    meter.min = 0; meter.max = 5; meter.low = 2; meter.high = 4; meter.optimum = 5; meter.value = 0;
    meter.className = "password-meter";
    meter.id = input.id + "-meter";
    meter.setAttribute("aria-hidden", "true");
    var words = document.createElement("p");
    words.className = "hint password-strength";
    words.id = input.id + "-strength";
    words.setAttribute("aria-live", "polite");
    input.insertAdjacentElement("afterend", words);
    input.insertAdjacentElement("afterend", meter);
    var described = input.getAttribute("aria-describedby");
    input.setAttribute("aria-describedby", (described ? described + " " : "") + words.id);
    function update() {
      var value = input.value;
      if (!value) { meter.value = 0; words.textContent = ""; return; }
      var level = value.length > MAX ? 0 : score(value) + (collapsed(value).length >= MIN ? 1 : 0);
      meter.value = level;
      words.textContent = "Strength: " + (value.length > MAX ? "too long: use at most 128 characters" : WORDS[level]);
    }
    input.addEventListener("input", update);
    update();
  }

  function addShowButton(input) {
    var button = document.createElement("button");
    button.type = "button";
    button.className = "button button-secondary button-small password-show";
    button.textContent = "Show";
    button.setAttribute("aria-controls", input.id);
    button.setAttribute("aria-pressed", "false");
    button.setAttribute("aria-label", "Show password");
    button.addEventListener("click", function () {
      var shown = input.type === "password";
      input.type = shown ? "text" : "password";
      button.textContent = shown ? "Hide" : "Show";
      button.setAttribute("aria-pressed", shown ? "true" : "false");
      button.setAttribute("aria-label", shown ? "Hide password" : "Show password");
    });
    input.form && input.form.addEventListener("submit", function () { input.type = "password"; });
    input.insertAdjacentElement("afterend", button);
  }

  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("input[type=password]").forEach(function (input) {
      if (!input.id) { return; }
      if (input.getAttribute("autocomplete") === "new-password" && input.name === "new") {
        addMeter(input);
      }
      addShowButton(input);
    });
  });
})();
