// Enhancements for the application form; it works fully without them.
(() => {
  const form = document.getElementById("application-form");
  if (!form) return;

  // Communes follow the province without a round trip.
  const province = form.querySelector("[name=province]");
  const commune = form.querySelector("[name=commune]");
  const refresh = form.querySelector("[data-refresh-communes]");
  if (province && commune && refresh) {
    refresh.hidden = true;
    province.addEventListener("change", async () => {
      const placeholder = commune.options[0] ? commune.options[0].cloneNode(true) : new Option("—", "");
      placeholder.textContent = "—";
      commune.replaceChildren(placeholder);
      if (!province.value) return;
      const url = form.dataset.communesUrl.replace("00.json", `${province.value}.json`);
      try {
        const response = await fetch(url);
        if (!response.ok) throw new Error(response.status);
        const data = await response.json();
        for (const [code, name] of data.communes) commune.append(new Option(name, code));
      } catch (error) {
        refresh.hidden = false;
      }
    });
  }

  // Running total and rating of the self-assessment.
  const total = document.getElementById("self-total");
  const rating = document.getElementById("self-rating");
  const thresholds = [...document.querySelectorAll("#thresholds [data-min]")]
    .map((li) => ({ min: parseFloat(li.dataset.min), label: li.dataset.label }))
    .sort((a, b) => b.min - a.min);
  const update = () => {
    let sum = 0;
    for (const input of form.querySelectorAll("[data-points]")) {
      const value = parseFloat((input.value || "0").replace(",", "."));
      const max = parseFloat(input.max);
      if (!Number.isNaN(value)) sum += Math.min(Math.max(value, 0), Number.isNaN(max) ? value : max);
    }
    total.textContent = Number.isInteger(sum) ? sum : sum.toFixed(1);
    const reached = thresholds.find((t) => sum >= t.min);
    rating.textContent = reached ? reached.label : rating.dataset.none;
  };
  if (total && rating) form.addEventListener("input", (e) => { if (e.target.matches("[data-points]")) update(); });

  // Household members: add one without a round trip.
  const add = form.querySelector("[data-add-member]");
  const template = form.querySelector("[data-member-template]");
  const list = form.querySelector("[data-members]");
  const count = form.querySelector("[name=members-TOTAL_FORMS]");
  if (add && template && list && count) {
    add.addEventListener("click", (event) => {
      event.preventDefault();
      const index = parseInt(count.value, 10) || 0;
      const html = template.innerHTML.replaceAll("__prefix__", index);
      list.insertAdjacentHTML("beforeend", html);
      count.value = index + 1;
      const first = list.lastElementChild.querySelector("input");
      if (first) first.focus();
    });
  }

  // Bring the error summary into view.
  const summary = document.getElementById("error-summary");
  if (summary) summary.focus();
})();
