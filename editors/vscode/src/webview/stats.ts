/** The statistics panel's script: the period and deck pickers ask the extension for new numbers. */
interface VsCodeApi {
  postMessage(msg: unknown): void;
}
declare function acquireVsCodeApi(): VsCodeApi;

const api = acquireVsCodeApi();
for (const role of ['period', 'deck']) {
  const select = document.querySelector<HTMLSelectElement>(`select[data-role="${role}"]`);
  select?.addEventListener('change', () => api.postMessage({ type: role, value: select.value }));
}
