import { MainAreaWidget } from '@jupyterlab/apputils';
import { ISignal, Signal } from '@lumino/signaling';
import { Widget } from '@lumino/widgets';

import { absolute, IApp } from './api';

/** The preview runs untrusted code: an opaque origin, so it reaches nothing of Jupyter. */
const SANDBOX = 'allow-scripts allow-forms allow-modals allow-popups allow-downloads';

/** What the preview's HMR client last told us. */
export interface IPreviewState {
  status: string;
  latencyMs: number | null;
}

/** The sandboxed preview of one app; the visual editor when `editing`. */
export class PreviewFrame extends Widget {
  constructor(readonly app: IApp) {
    super();
    this.addClass('jp-FastPreview-frame');
    this.iframe = document.createElement('iframe');
    this.iframe.setAttribute('sandbox', SANDBOX);
    this.iframe.setAttribute('title', `Fast Preview: ${app.name}`);
    this.iframe.referrerPolicy = 'no-referrer';
    this.node.appendChild(this.iframe);
    window.addEventListener('message', this.onMessage);
    this.show_();
  }

  readonly iframe: HTMLIFrameElement;
  state: IPreviewState = { status: 'connecting', latencyMs: null };

  get editing(): boolean {
    return this.editing_;
  }

  /** Switch between the live app and the visual editor of its page. */
  set editing(value: boolean) {
    this.editing_ = value;
    this.show_();
  }

  get stateChanged(): ISignal<this, IPreviewState> {
    return this.stateChanged_;
  }

  reload(): void {
    this.iframe.src = this.url;
  }

  get url(): string {
    const live = absolute(this.app.preview_path);
    return this.editing_ ? `${live}@fastpreview/editor` : live;
  }

  dispose(): void {
    window.removeEventListener('message', this.onMessage);
    super.dispose();
  }

  private show_(): void {
    this.iframe.src = this.url;
  }

  /** Only messages from our own frame's window count; they carry nothing secret. */
  private onMessage = (event: MessageEvent): void => {
    if (event.source !== this.iframe.contentWindow || typeof event.data !== 'object') {
      return;
    }
    const { type, status, latencyMs } = event.data ?? {};
    if (type === 'fastpreview:status' && typeof status === 'string') {
      this.update_({ ...this.state, status });
    } else if (type === 'fastpreview:applied') {
      const latency = typeof latencyMs === 'number' ? latencyMs : this.state.latencyMs;
      this.update_({ status: 'connected', latencyMs: latency });
    } else if (type === 'fastpreview:error') {
      this.update_({ ...this.state, status: 'error' });
    }
  };

  private update_(state: IPreviewState): void {
    this.state = state;
    this.stateChanged_.emit(state);
  }

  private editing_ = false;
  private stateChanged_ = new Signal<this, IPreviewState>(this);
}

/** A main-area tab holding a preview. */
export function previewTab(app: IApp): MainAreaWidget<PreviewFrame> {
  const widget = new MainAreaWidget({ content: new PreviewFrame(app) });
  widget.id = `fastpreview-${app.id}`;
  widget.title.label = `Preview: ${app.name}`;
  widget.title.closable = true;
  widget.addClass('jp-FastPreview-tab');
  return widget;
}
