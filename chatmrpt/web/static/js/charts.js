// Drawing maps and charts with plotly.js, which is loaded only when the first one is
// drawn: at ~1.4 MB compressed it is most of what the page ever downloads, and the page
// is usable (upload, chat, tables) before it arrives. It comes from this server, and the
// maps use a blank MapLibre style, so nothing is fetched from the internet.

let loading = null;

export function plotlyLoaded() {
  return Boolean(window.Plotly);
}

export function loadPlotly() {
  if (window.Plotly) return Promise.resolve(window.Plotly);
  if (!loading) {
    loading = new Promise((resolve, reject) => {
      const src = document.body.dataset.plotlySrc;
      if (!src) {
        reject(new Error("This server has no plotly.js to draw maps and charts with."));
        return;
      }
      const script = document.createElement("script");
      script.src = src;
      script.async = true;
      script.addEventListener("load", () => {
        if (window.Plotly) resolve(window.Plotly);
        else reject(new Error("The map library did not start; reload the page."));
      });
      script.addEventListener("error", () => {
        loading = null;
        script.remove();
        reject(new Error("The map library could not be downloaded; check the connection and try again."));
      });
      document.head.append(script);
    });
  }
  return loading;
}

// Centre and zoom that fit [west, south, east, north] into a map of this size (Web
// Mercator, 512-pixel world at zoom 0), as the server does for its default panel.
export function fitView(bounds, width, height) {
  if (!bounds || bounds.length !== 4 || !(width > 0) || !(height > 0)) return null;
  const [west, south, east, north] = bounds;
  const merc = (lat) => {
    const clamped = Math.max(Math.min(lat, 85), -85);
    return Math.log(Math.tan(Math.PI / 4 + (clamped * Math.PI) / 360));
  };
  const spanX = Math.max(east - west, 1e-6);
  const spanY = Math.max(merc(north) - merc(south), 1e-8);
  const zoomX = Math.log2((width * 360) / (512 * spanX));
  const zoomY = Math.log2((height * 2 * Math.PI) / (512 * spanY));
  const midY = (merc(north) + merc(south)) / 2;
  const lat = (2 * Math.atan(Math.exp(midY)) - Math.PI / 2) * (180 / Math.PI);
  return {
    center: { lon: (west + east) / 2, lat },
    zoom: Math.max(0, Math.min(zoomX, zoomY) - 0.15),
  };
}

// An optional street map under the wards, when the server names a tile source and the
// user asks for it. Without it nothing is fetched from outside.
export function basemapLayers(basemap) {
  if (!basemap || !basemap.url) return [];
  return [{
    sourcetype: "raster",
    source: [basemap.url],
    sourceattribution: basemap.attribution || "",
    below: "traces",
    opacity: 0.6,
  }];
}

// The page names a map or chart in its own heading (it wraps on a phone and is never
// under the toolbar); the figure keeps a thin strip at the top for the toolbar.
const TOOLBAR_STRIP = 30;
// below this width a colour bar lies under the map instead of beside it
const NARROW = 600;
const COLORBAR_WIDTH = 90;

function withoutTitle(layout) {
  const out = { ...layout, autosize: true };
  delete out.title;
  out.margin = { ...(layout.margin || {}), t: TOOLBAR_STRIP };
  return out;
}

// Colour bars: beside the map on a wide screen, under it on a narrow one; never a
// half-white veil over the wards.
function placeColorbars(data, narrow) {
  let bars = 0;
  const traces = data.map((trace) => {
    if (!trace.colorbar || trace.showscale === false) return trace;
    bars += 1;
    const colorbar = { ...trace.colorbar, bgcolor: "rgba(255,255,255,0)" };
    if (narrow) {
      Object.assign(colorbar, {
        orientation: "h", x: 0.5, xanchor: "center", y: 0, yanchor: "top",
        len: 0.9, thickness: 12, ypad: 4,
        title: { ...(trace.colorbar.title || {}), side: "top" },
      });
    }
    return { ...trace, colorbar };
  });
  return { traces, bars };
}

// the LGAs' outlines over the wards (dissolved from them on the server, fetched once)
export function outlineLayers(map) {
  if (!map.lga_outlines) return [];
  return [{
    sourcetype: "geojson", source: map.lga_outlines, type: "line",
    color: "#1f1f1f", opacity: 0.9, line: { width: 1.6 }, name: "LGA outlines",
  }];
}

export async function drawMap(container, map, basemap = null) {
  const Plotly = await loadPlotly();
  const layout = withoutTitle(map.figure.layout);
  const narrow = container.clientWidth < NARROW;
  const { traces, bars } = placeColorbars(map.figure.data, narrow);
  if (bars && narrow) layout.margin = { ...layout.margin, b: 64 };
  const layers = [...basemapLayers(basemap), ...outlineLayers(map)];
  if (layers.length) layout.map = { ...(layout.map || {}), layers };
  const margin = layout.margin || {};
  const width = container.clientWidth - (margin.l || 0) - (margin.r || 0) - (bars && !narrow ? COLORBAR_WIDTH : 0);
  const height = container.clientHeight - (margin.t || 0) - (margin.b || 0);
  const view = fitView(map.bounds, width, height);
  if (view) {
    // the wards sit left of a colour bar on a wide screen
    if (bars && !narrow) {
      const degPerPx = 360 / (512 * 2 ** view.zoom);
      view.center = { ...view.center, lon: view.center.lon + (COLORBAR_WIDTH / 2) * degPerPx };
    }
    layout.map = { ...(layout.map || {}), ...view };
  }
  // A new map is drawn afresh: updating MapLibre's layers in place from one map to the
  // next (other traces, a no-data layer more or less) fails with "Map error." and leaves
  // the old layers, legend and title behind. The wards' shapes stay cached by plotly.js.
  Plotly.purge(container);
  await Plotly.newPlot(container, traces, layout, { ...map.config, responsive: true });
}

export async function drawPlot(container, plot) {
  const Plotly = await loadPlotly();
  const layout = withoutTitle(plot.figure.layout);
  for (const key of Object.keys(layout)) {
    if (/^[xy]axis\d*$/.test(key)) layout[key] = { ...layout[key], automargin: true };
  }
  // on a phone the legend goes under the chart, leaving it the whole width
  if (container.clientWidth < NARROW && layout.showlegend !== false) {
    const legend = layout.legend || {};
    layout.legend = {
      ...legend, orientation: "h", x: 0, xanchor: "left", y: -0.15, yanchor: "top",
      title: { ...(legend.title || {}), side: "top" },
    };
  }
  Plotly.purge(container);
  await Plotly.newPlot(container, plot.figure.data, layout, { ...plot.config, responsive: true });
}

export function purge(container) {
  if (window.Plotly) window.Plotly.purge(container);
}
