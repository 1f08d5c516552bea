// Small enhancements; every page works without them.
document.addEventListener("click", (event) => {
  const link = event.target.closest("[data-copy-link]");
  if (!link || !navigator.clipboard) return;
  event.preventDefault();
  navigator.clipboard.writeText(link.href).then(() => {
    link.textContent = link.dataset.copiedLabel || link.textContent;
  });
});
