import { MainAreaWidget } from '@jupyterlab/apputils';
import {
  editIcon,
  launchIcon,
  refreshIcon,
  Toolbar,
  ToolbarButton
} from '@jupyterlab/ui-components';
import { ISignal, Signal } from '@lumino/signaling';
import { Widget } from '@lumino/widgets';

import { IApp, resolveUrl } from './api';
import { fastPreviewIcon } from './icons';

/** The preview runs untrusted code: no allow-same-origin, so it reaches nothing of Jupyter. */
const SANDBOX = 'allow-scripts allow-forms allow-modals allow-popups allow-downloads';
/** The visual editor of an app's page, beside its preview URL. */
const EDITOR = '@fastpreview/editor';

/** The latest deploy, git sync or visual-editor notice the preview reported. */
export interface IActivity {
  kind: 'deploy' | 'sync' | 'editor';
  text: string;
  /** The deployment's URL, once it is live. */
  url: string | null;
}

/** What the preview's HMR client last told us. */
export interface IPreviewState {
  /** connecting, connected, updating, error, disconnected... */
  status: string;
  /** The first line of the last error, while `status` is error. */
  error: string | null;
  /** How long the last update took from the file write to the applied module. */
  latencyMs: number | null;
  activity: IActivity | null;
}

type Message = Record<string, unknown>;

/** The sandboxed frame showing one app's preview, or its visual editor when `editing`. */
export class PreviewFrame extends Widget {
  constructor(readonly app: IApp) {
    super();
    this.addClass('jp-FastPreview-frame');
    this.iframe = document.createElement('iframe');
    this.iframe.setAttribute('sandbox', SANDBOX);
    this.iframe.setAttribute('title', `Fast Preview: ${app.name}`);
    // A Jupyter URL may carry ?token=; the preview must never see it as its referrer.
    this.iframe.referrerPolicy = 'no-referrer';
    this.node.appendChild(this.iframe);
    window.addEventListener('message', this.onMessage);
    this.reload();
  }

  readonly iframe: HTMLIFrameElement;

  get state(): IPreviewState {
    return this._state;
  }

  get stateChanged(): ISignal<this, IPreviewState> {
    return this._stateChanged;
  }

  get editingChanged(): ISignal<this, boolean> {
    return this._editingChanged;
  }

  /** The URL the frame shows: the live app, or the visual editor of its page. */
  get url(): string {
    const live = resolveUrl(this.app.preview_url);
    return this._editing ? live + EDITOR : live;
  }

  get editing(): boolean {
    return this._editing;
  }

  set editing(value: boolean) {
    if (value !== this._editing) {
      this._editing = value;
      this._editingChanged.emit(value);
      this.reload();
    }
  }

  reload(): void {
    this.set({ status: 'connecting', error: null });
    this.iframe.src = this.url;
  }

  dispose(): void {
    window.removeEventListener('message', this.onMessage);
    super.dispose();
  }

  /** Only messages from our own frame's window count (any page may post to this one). */
  private onMessage = (event: MessageEvent): void => {
    const message: unknown = event.data;
    if (event.source !== this.iframe.contentWindow || !isMessage(message)) {
      return;
    }
    const data = isMessage(message.data) ? message.data : {};
    switch (message.type) {
      case 'fastpreview:status':
        if (typeof message.status === 'string') {
          this.set({ status: message.status, error: null });
        }
        break;
      case 'fastpreview:applied':
        this.set({
          status: 'connected',
          error: null,
          latencyMs:
            typeof message.latencyMs === 'number' ? message.latencyMs : this._state.latencyMs
        });
        break;
      case 'fastpreview:error':
        this.set({ status: 'error', error: String(message.message ?? '').split('\n')[0] });
        break;
      case 'fastpreview:deploy':
        this.set({ activity: deployActivity(data) });
        break;
      case 'fastpreview:sync':
        this.set({ activity: syncActivity(data) });
        break;
      case 'fastpreview:puck':
        this.set({ activity: { kind: 'editor', text: String(data.text ?? ''), url: null } });
        break;
    }
  };

  private set(change: Partial<IPreviewState>): void {
    this._state = { ...this._state, ...change };
    this._stateChanged.emit(this._state);
  }

  private _state: IPreviewState = {
    status: 'connecting',
    error: null,
    latencyMs: null,
    activity: null
  };
  private _stateChanged = new Signal<this, IPreviewState>(this);
  private _editing = false;
  private _editingChanged = new Signal<this, boolean>(this);
}

function isMessage(value: unknown): value is Message {
  return typeof value === 'object' && value !== null;
}

function deployActivity({ phase, percent, url }: Message): IActivity {
  if (phase === 'done' && typeof url === 'string') {
    return { kind: 'deploy', text: 'deployed', url: resolveUrl(url) };
  }
  const text =
    phase === 'failed' ? 'deploy failed' : `deploying ${Math.round(Number(percent) || 0)}%`;
  return { kind: 'deploy', text, url: null };
}

function syncActivity({ status, commit_sha: commit }: Message): IActivity {
  const text =
    status === 'done' && typeof commit === 'string'
      ? `synced ${commit.slice(0, 7)}`
      : `git sync ${String(status ?? '')}`;
  return { kind: 'sync', text, url: null };
}

/** The toolbar's view of the latest activity: text, or a link to a new deployment. */
class ActivityItem extends Widget {
  constructor() {
    super();
    this.addClass('jp-FastPreview-activity');
  }

  render(activity: IActivity | null): void {
    this.node.replaceChildren();
    this.node.dataset.kind = activity?.kind ?? '';
    if (activity?.url) {
      const link = document.createElement('a');
      link.href = activity.url;
      link.target = '_blank';
      link.rel = 'noopener noreferrer';
      link.textContent = `${activity.text} ↗`;
      this.node.append(link);
    } else {
      this.node.textContent = activity?.text ?? '';
    }
  }
}

/** A main-area tab holding a preview, with its toolbar. */
export class PreviewTab extends MainAreaWidget<PreviewFrame> {
  constructor(app: IApp, deploy: () => void) {
    const content = new PreviewFrame(app);
    super({ content });
    this.id = `fastpreview-${app.id}`;
    this.title.label = `Preview: ${app.name}`;
    this.title.caption = `Fast Preview of ${app.folder}`;
    this.title.icon = fastPreviewIcon;
    this.title.closable = true;
    this.addClass('jp-FastPreview-tab');

    const edit = new ToolbarButton({
      icon: editIcon,
      label: 'Edit',
      tooltip: 'Toggle the visual edit mode',
      onClick: () => (content.editing = !content.editing)
    });
    const activity = new ActivityItem();
    const items: [string, Widget][] = [
      [
        'reload',
        new ToolbarButton({
          icon: refreshIcon,
          tooltip: 'Reload the preview',
          onClick: () => content.reload()
        })
      ],
      [
        'open-in-browser-tab',
        new ToolbarButton({
          icon: launchIcon,
          tooltip: 'Open the preview in a new browser tab',
          onClick: () => window.open(content.url, '_blank', 'noopener,noreferrer')
        })
      ],
      ['edit', edit],
      [
        'deploy',
        new ToolbarButton({ label: 'Deploy', tooltip: 'Deploy the app', onClick: deploy })
      ],
      ['spacer', Toolbar.createSpacerItem()],
      ['activity', activity]
    ];
    for (const [name, item] of items) {
      this.toolbar.addItem(name, item);
    }
    content.editingChanged.connect((_, editing) => (edit.pressed = editing));
    content.stateChanged.connect((_, state) => activity.render(state.activity));
  }
}
