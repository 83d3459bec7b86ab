import { Signal } from '@lumino/signaling';
import { Widget } from '@lumino/widgets';

import { IPreviewState, PreviewFrame } from './preview';

/** "HMR: connected · 12 ms" for the preview in the active tab; empty otherwise. */
export class HmrStatus extends Widget {
  constructor() {
    super();
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
    if (!state) {
      this.node.textContent = '';
      return;
    }
    const latency = state.latencyMs === null ? '' : ` · ${state.latencyMs.toFixed(0)} ms`;
    this.node.textContent = `HMR: ${state.status}${latency}`;
  }

  /** Emitted when the active tab changes, so the status bar shows or hides this item. */
  readonly activeChanged = new Signal<this, void>(this);

  private frame: PreviewFrame | null = null;
}
