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

  // A filter box above a long list of checkboxes (28 languages): type a few
  // letters, and only the matching choices stay to be tabbed through.
  const plain = (text) => text.normalize("NFD").replace(/\p{M}/gu, "").toLowerCase().trim();
  for (const box of form.querySelectorAll(".list-filter")) {
    const filter = box.querySelector("input");
    const shown = box.querySelector("[aria-live]");
    const list = document.getElementById(filter.getAttribute("aria-controls"));
    if (!list) continue;
    const options = [...list.children];
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
      const said = form.dataset.shownText || "{count} of {total} shown";
      shown.textContent = query
        ? said.replace("{count}", count).replace("{total}", options.length)
        : "";
    });
  }

  // Warn before leaving a step with changes not saved: closing or reloading
  // the page (the browser's own question), or following a step's link.
  // Its words come from the page (profile_edit.html's data-unsaved-text), in its language.
  const WARNING = form.dataset.unsavedText || "You have unsaved changes — leave without saving?";
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
