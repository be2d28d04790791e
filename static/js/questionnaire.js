// The questionnaire's enhancements (profiles/profile_edit.html). Every step
// works without them: the server checks every answer, lengths included.
(() => {
  const form = document.querySelector("form.questionnaire");
  if (!form) return;

  // Pre-select the browser's time zone when none is saved. ICU may name it by
  // an old alias (Asia/Calcutta), which the page maps to the zone offered.
  const zone = form.querySelector("select[name=timezone]");
  if (zone && !zone.value) {
    const aliases = JSON.parse(document.getElementById("timezone-aliases")?.textContent || "{}");
    const guess = Intl.DateTimeFormat().resolvedOptions().timeZone || "";
    const offered = (name) => [...zone.options].some((o) => o.value === name);
    const found = offered(guess) ? guess : aliases[guess];
    if (found && offered(found)) zone.value = found;
  }

  // A live "n / max characters" count under long text; the server refuses
  // more than max with a message, so the browser never cuts text short.
  const format = (n) => n.toLocaleString("en-GB");
  for (const input of form.querySelectorAll("[data-maxlength]")) {
    const max = Number(input.dataset.maxlength);
    const count = document.createElement("p");
    count.className = "char-count";
    count.id = `${input.id}_count`;
    const spoken = document.createElement("p");
    spoken.className = "visually-hidden";
    spoken.setAttribute("aria-live", "polite");
    input.after(count, spoken);
    const describedBy = input.getAttribute("aria-describedby");
    input.setAttribute("aria-describedby", describedBy ? `${describedBy} ${count.id}` : count.id);
    const render = () => {
      const n = input.value.length;
      const over = n - max;
      count.textContent = `${format(n)} / ${format(max)} characters`
        + (over > 0 ? ` — ${format(over)} too many` : "");
      count.classList.toggle("char-count-over", over > 0);
    };
    render();
    let pause;
    input.addEventListener("input", () => {
      render();
      // Said once typing pauses, not at every key.
      clearTimeout(pause);
      pause = setTimeout(() => { spoken.textContent = count.textContent; }, 1000);
    });
  }

  // A filter box above a long list of checkboxes (28 languages): type a few
  // letters, and only the matching choices stay to be tabbed through.
  const plain = (text) => text.normalize("NFD").replace(/\p{M}/gu, "").toLowerCase().trim();
  for (const field of form.querySelectorAll(".field[data-filter-label]")) {
    const list = field.querySelector("fieldset > div[id]");
    if (!list) continue;
    const options = [...list.children];
    const box = document.createElement("div");
    box.className = "list-filter";
    const label = document.createElement("label");
    label.htmlFor = `${list.id}_filter`;
    label.textContent = field.dataset.filterLabel;
    const filter = document.createElement("input");
    filter.type = "search";
    filter.id = label.htmlFor;
    filter.autocomplete = "off";
    filter.setAttribute("aria-controls", list.id);
    const shown = document.createElement("p");
    shown.className = "visually-hidden";
    shown.setAttribute("aria-live", "polite");
    box.append(label, filter, shown);
    list.before(box);
    list.classList.add("filtered-list");
    filter.addEventListener("keydown", (event) => {
      if (event.key === "Enter") event.preventDefault(); // not a submit
    });
    filter.addEventListener("input", () => {
      const query = plain(filter.value);
      let count = 0;
      for (const option of options) {
        const match = !query || plain(option.textContent).includes(query);
        option.hidden = !match;
        count += match;
      }
      shown.textContent = query ? `${count} of ${options.length} shown` : "";
    });
  }

  // Warn before leaving a step with changes not saved: closing or reloading
  // the page (the browser's own question), or following a step's link.
  const WARNING = "You have unsaved changes — leave without saving?";
  const state = () => new URLSearchParams(new FormData(form)).toString();
  const saved = state();
  let leaving = false;
  const unsaved = () => !leaving && state() !== saved;
  form.addEventListener("submit", () => { leaving = true; });
  window.addEventListener("beforeunload", (event) => {
    if (!unsaved()) return;
    event.preventDefault();
    event.returnValue = WARNING;
  });
  for (const link of document.querySelectorAll("nav.steps a[href]")) {
    link.addEventListener("click", (event) => {
      if (!unsaved()) return;
      if (window.confirm(WARNING)) leaving = true;
      else event.preventDefault();
    });
  }
})();
