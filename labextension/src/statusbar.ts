import { ILabShell } from '@jupyterlab/application';
import { IStatusBar } from '@jupyterlab/statusbar';
import { Signal } from '@lumino/signaling';
import { Widget } from '@lumino/widgets';

import { IPreviewState, PreviewFrame, PreviewTab } from './preview';

/** "HMR: connected · 12 ms" for the preview in the active tab. */
class HmrStatus extends Widget {
  constructor() {
    super();
    this.addClass('jp-StatusBar-TextItem');
    this.addClass('jp-FastPreview-status');
  }

  /** Follow `frame` (the active tab's preview), or nothing when another tab is active. */
  follow(frame: PreviewFrame | null): void {
    this.frame?.stateChanged.disconnect(this.render, this);
    this.frame = frame;
    frame?.stateChanged.connect(this.render, this);
    this.render(frame, frame?.state ?? null);
  }

  private render(_: PreviewFrame | null, state: IPreviewState | null): void {
    const latency = state?.latencyMs == null ? '' : ` · ${state.latencyMs.toFixed(0)} ms`;
    this.node.textContent = state ? `HMR: ${state.status}${latency}` : '';
    this.node.dataset.status = state?.status ?? '';
    this.node.title =
      state?.error ??
      'Fast Preview: the active preview\u2019s HMR connection and its last update\u2019s latency';
  }

  private frame: PreviewFrame | null = null;
}

/** The status bar item, shown while a preview tab is the active one. */
export function addHmrStatus(statusBar: IStatusBar, shell: ILabShell): void {
  const status = new HmrStatus();
  const activeFrame = (): PreviewFrame | null =>
    shell.currentWidget instanceof PreviewTab ? shell.currentWidget.content : null;
  const activeChanged = new Signal<HmrStatus, void>(status);
  statusBar.registerStatusItem('jupyter-fastpreview:hmr-status', {
    item: status,
    align: 'left',
    rank: 50,
    isActive: () => activeFrame() !== null,
    activeStateChanged: activeChanged
  });
  shell.currentChanged.connect(() => {
    status.follow(activeFrame());
    activeChanged.emit();
  });
}
