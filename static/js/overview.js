/* Draws the overview charts from data the page embeds with json_script.
   No inline scripts or styles in the HTML: the Content-Security-Policy forbids them. Each chart
   has a table with the same numbers on the page, so the chart adds nothing the table lacks. */
(function () {
  "use strict";
  document.querySelectorAll("[data-print]").forEach(function (button) {
    button.addEventListener("click", function () {
      window.print();
    });
  });
  if (typeof window.Chart === "undefined") {
    return;
  }
  var reduceMotion = window.matchMedia && window.matchMedia("(prefers-reduced-motion: reduce)").matches;
  var locale = document.documentElement.lang || "de";

  function shorten(text, length) {
    return text.length > length ? text.slice(0, length - 1) + "…" : text;
  }

  document.querySelectorAll("canvas[data-chart]").forEach(function (canvas) {
    var source = document.getElementById(canvas.dataset.chart);
    if (!source) {
      return;
    }
    var data = JSON.parse(source.textContent);
    var narrow = window.innerWidth < 576;
    // Setting a size through the CSSOM is allowed by style-src 'self'; style attributes are not.
    canvas.parentElement.style.height = Math.max(240, data.labels.length * 30 + 120) + "px";
    new window.Chart(canvas, {
      type: "bar",
      data: {
        labels: data.labels,
        datasets: data.datasets.map(function (set) {
          return {
            label: set.label,
            fullName: set.name,
            data: set.data,
            backgroundColor: set.colour,
            borderColor: "#ffffff",
            borderWidth: 1
          };
        })
      },
      options: {
        indexAxis: "y",
        responsive: true,
        maintainAspectRatio: false,
        animation: reduceMotion ? false : { duration: 300 },
        locale: locale,
        scales: {
          x: { stacked: true, ticks: { precision: 0 }, title: { display: true, text: data.axis } },
          y: {
            stacked: true,
            ticks: {
              autoSkip: false,
              callback: function (value) {
                return shorten(this.getLabelForValue(value), narrow ? 18 : 42);
              }
            }
          }
        },
        plugins: {
          legend: { position: "bottom" },
          tooltip: {
            callbacks: {
              title: function (items) {
                return items.length ? data.labels[items[0].dataIndex] : "";
              },
              label: function (item) {
                return item.dataset.fullName + ": " + item.formattedValue;
              }
            }
          }
        }
      }
    });
  });
})();
