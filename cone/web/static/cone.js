// Progressive enhancement only: every page works without this file.
document.addEventListener("DOMContentLoaded", function () {
  // Move focus to an error summary so screen readers announce it (GOV.UK pattern).
  var summary = document.querySelector("[data-autofocus]");
  if (summary) { summary.focus(); }
  // Links in an error summary focus the input, not just scroll to it.
  document.querySelectorAll(".error-summary a[href^='#']").forEach(function (link) {
    link.addEventListener("click", function (event) {
      var target = document.getElementById(link.getAttribute("href").slice(1));
      if (!target) { return; }
      event.preventDefault();
      var input = target.matches("fieldset") ? target.querySelector("input") : target;
      target.scrollIntoView({ block: "center" });
      if (input) { input.focus({ preventScroll: true }); }
    });
  });

  // Live preview: while an administrator types, refresh the checklist, notice, fee and
  // timeline from the unsaved answers (the server renders the panel; nothing is saved).
  var form = document.querySelector("form[data-preview]");
  var panel = document.querySelector(".col-side");
  if (form && panel && window.fetch) {
    var timer = null;
    var refresh = function () {
      var data = new FormData(form);
      data.delete("action");
      fetch(form.dataset.preview, { method: "POST", body: data, credentials: "same-origin" })
        .then(function (response) { return response.status === 200 ? response.text() : null; })
        .then(function (html) { if (html !== null) { panel.innerHTML = html; } })
        .catch(function () { /* keep the last panel; saving still works */ });
    };
    var schedule = function () { clearTimeout(timer); timer = setTimeout(refresh, 500); };
    form.addEventListener("input", schedule);
    form.addEventListener("change", schedule);
  }

  // Exhibits: drag a row to reorder; the new order is posted as a form (Up and Down buttons
  // do the same one step at a time without script).
  var table = document.querySelector("table[data-exhibit-order]");
  if (table && table.dataset.exhibitOrder) {
    var body = table.querySelector("tbody");
    var dragged = null;
    var clear = function () { body.querySelectorAll(".drop-before").forEach(function (r) { r.classList.remove("drop-before"); }); };
    body.addEventListener("dragstart", function (event) {
      dragged = event.target.closest("tr");
      if (!dragged) { return; }
      dragged.classList.add("dragging");
      event.dataTransfer.effectAllowed = "move";
      event.dataTransfer.setData("text/plain", dragged.dataset.exhibitId);
    });
    body.addEventListener("dragover", function (event) {
      var row = event.target.closest("tr");
      if (!dragged || !row) { return; }
      event.preventDefault();
      clear();
      if (row !== dragged) { row.classList.add("drop-before"); }
    });
    body.addEventListener("dragend", function () { if (dragged) { dragged.classList.remove("dragging"); } clear(); dragged = null; });
    body.addEventListener("drop", function (event) {
      var row = event.target.closest("tr");
      if (!dragged || !row || row === dragged) { return; }
      event.preventDefault();
      var rect = row.getBoundingClientRect();
      body.insertBefore(dragged, event.clientY > rect.top + rect.height / 2 ? row.nextSibling : row);
      var post = document.createElement("form");
      post.method = "post";
      post.action = table.dataset.exhibitOrder;
      var add = function (name, value) {
        var input = document.createElement("input");
        input.type = "hidden"; input.name = name; input.value = value; post.appendChild(input);
      };
      add("csrf_token", document.querySelector("#exhibits input[name=csrf_token]").value);
      add("order", Array.prototype.map.call(body.querySelectorAll("tr[data-exhibit-id]"), function (r) { return r.dataset.exhibitId; }).join(","));
      document.body.appendChild(post);
      post.submit();
    });
  }
});

// Table widgets: recompute each total as the user types (the server computes them again on save).
document.addEventListener("DOMContentLoaded", function () {
  document.querySelectorAll("[data-table-widget]").forEach(function (widget) {
    var prefix = function (out) { var parts = out.dataset.cell.split("."); return parts.length > 2 ? parts[0] + "." : ""; };
    var value = function (p, row, column) {
      var name = p + row + "." + column;
      var input = widget.querySelector('input[name="' + name + '"]');
      if (input) { var n = parseFloat(input.value.replace(/[$,\s]/g, "")); return isNaN(n) ? null : n; }
      var out = widget.querySelector('output[data-cell="' + name + '"]');
      return out ? compute(out) : null;
    };
    var compute = function (out) {
      var p = prefix(out), byRow = out.dataset.by === "row", total = null;
      if (byRow && out.dataset.additive === "no") { return null; }
      [["plus", 1], ["minus", -1]].forEach(function (pair) {
        (out.dataset[pair[0]] || "").split(" ").filter(Boolean).forEach(function (part) {
          var v = byRow ? value(p, part, out.dataset.column) : value(p, out.dataset.row, part);
          if (v !== null) { total = (total || 0) + pair[1] * v; }
        });
      });
      return total;
    };
    var refresh = function () {
      widget.querySelectorAll("output[data-cell]").forEach(function (out) {
        var v = compute(out);
        out.textContent = v === null ? "" : v.toLocaleString("en-US", {maximumFractionDigits: 2});
      });
    };
    widget.addEventListener("input", refresh);
  });
});
