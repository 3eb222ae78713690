// Draws every chart on the page from the figure JSON the server put beside it, and redraws
// after htmx swaps new results in. The only script of the site: no inline code anywhere.
(function () {
  "use strict";

  const CONFIG = {
    responsive: true,
    displaylogo: false,
    modeBarButtonsToRemove: ["lasso2d", "select2d"],
    toImageButtonOptions: { format: "png", scale: 2 },
  };
  const NARROW = 640;
  const NARROW_EXTRA_HEIGHT = 260;

  function eventIdOf(point) {
    const data = point.customdata;
    const id = Array.isArray(data) ? data[0] : data;
    return Number.isInteger(id) ? id : null;
  }

  function openEvent(chart, id) {
    const template = chart.dataset.eventUrl;
    if (!template) return;
    const url = template.replace(/0\/$/, id + "/");
    const panel = document.getElementById("event-detail");
    if (panel && window.htmx) {
      // Load the detail beside the chart; the chart is untouched, so its zoom stays.
      window.htmx.ajax("GET", url, { target: panel, swap: "innerHTML" });
    } else {
      window.location.assign(url);
    }
  }

  // The dates a zoomed date axis shows, as [YYYY-MM-DD, YYYY-MM-DD]; null when not zoomed.
  function shownDates(chart) {
    const axis = chart.layout && chart.layout.xaxis;
    if (!axis || axis.type !== "date" || axis.autorange || !Array.isArray(axis.range)) return null;
    const dates = axis.range.map((value) => String(value).slice(0, 10));
    return dates.every((value) => /^\d{4}-\d{2}-\d{2}$/.test(value)) ? dates : null;
  }

  // Exports carry the zoom: the links marked data-zoom get view_from/view_to (or lose them).
  function zoomExports(chart) {
    const figure = chart.closest("figure");
    if (!figure) return;
    const dates = shownDates(chart);
    figure.querySelectorAll("a[data-zoom]").forEach(function (link) {
      const url = new URL(link.href);
      url.searchParams.delete("view_from");
      url.searchParams.delete("view_to");
      if (dates) {
        url.searchParams.set("view_from", dates[0]);
        url.searchParams.set("view_to", dates[1]);
      }
      link.href = url.pathname + url.search;
    });
  }

  function draw(chart) {
    const source = document.getElementById(chart.dataset.figure);
    if (!source || !window.Plotly) return;
    const figure = JSON.parse(source.textContent);
    if (chart.clientWidth < NARROW && figure.layout.height) {
      // On a phone the legends wrap onto several lines: give them room below the plot.
      figure.layout.height += NARROW_EXTRA_HEIGHT;
    }
    chart.replaceChildren();
    // Density cells are monthly counts, not events: clicking one has no event to open.
    const opensEvents = !(figure.layout.meta && figure.layout.meta.chart === "density");
    window.Plotly.newPlot(chart, figure.data, figure.layout, CONFIG).then(function () {
      chart.on("plotly_relayout", function () { zoomExports(chart); });
      if (!opensEvents) return;
      chart.on("plotly_click", function (event) {
        const id = event.points.length ? eventIdOf(event.points[0]) : null;
        if (id !== null) openEvent(chart, id);
      });
    });
  }

  function drawAll(root) {
    const charts = root.matches && root.matches("[data-figure]") ? [root] : [];
    charts.push(...root.querySelectorAll("[data-figure]"));
    charts.forEach(function (chart) {
      try {
        draw(chart);
      } catch (error) {
        // One chart that cannot draw must not keep the others (and its data table) from showing.
        console.error("Chart " + chart.dataset.figure + " could not be drawn:", error);
      }
    });
  }

  // Empty fields would clutter the shared URL (host=&kind=...): leave them out of the request.
  document.addEventListener("htmx:configRequest", function (event) {
    const params = event.detail.parameters;
    for (const name of Array.from(params.keys())) {
      if (params.getAll(name).every((value) => value === "")) params.delete(name);
    }
  });

  // After settle, not after swap: the settle step rewrites class attributes and would break a
  // chart drawn before it.
  document.addEventListener("htmx:afterSettle", function (event) {
    drawAll(event.detail.elt);
  });

  // Table links to events open in the side panel too, when there is one.
  document.addEventListener("click", function (event) {
    const link = event.target.closest("a[data-event-id]");
    const panel = document.getElementById("event-detail");
    if (!link || !panel || !window.htmx || event.ctrlKey || event.metaKey) return;
    event.preventDefault();
    window.htmx.ajax("GET", link.href, { target: panel, swap: "innerHTML" });
    panel.scrollIntoView({ behavior: "smooth", block: "nearest" });
  });

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", function () { drawAll(document); });
  } else {
    drawAll(document);
  }
})();
