// Progressive enhancements only: every page works without this file.
document.addEventListener("DOMContentLoaded", () => {
  // Pre-select the browser's timezone when the profile has none yet.
  const tz = document.querySelector("select[name=timezone]");
  if (tz && !tz.value) {
    const guess = Intl.DateTimeFormat().resolvedOptions().timeZone;
    if (guess && [...tz.options].some((o) => o.value === guess)) tz.value = guess;
  }
});
