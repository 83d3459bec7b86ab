import { refreshIcon, SidePanel, ToolbarButton } from '@jupyterlab/ui-components';
import { Message } from '@lumino/messaging';
import { Panel, Widget } from '@lumino/widgets';

import { IAppDetails, IAppError, IBuild, IDeployment, ISyncJob, listApps, resolveUrl } from './api';
import { fastPreviewIcon } from './icons';

/** What a row's buttons do; the plugin wires them to its commands. */
export interface IPanelActions {
  open(app: IAppDetails): void;
  deploy(app: IAppDetails): void;
  openDeployment(app: IAppDetails): void;
}

const REFRESH_MS = 2000;

/** The "Fast Preview" side panel: every app with its status, build, deployment and sync. */
export class AppsPanel extends SidePanel {
  constructor(private readonly actions: IPanelActions) {
    super({ content: new Panel() });
    this.id = 'jp-FastPreview-panel';
    this.title.icon = fastPreviewIcon;
    this.title.caption = 'Fast Preview';
    this.addClass('jp-FastPreview-panel');
    const heading = new Widget();
    heading.node.textContent = 'Fast Preview apps';
    this.header.addWidget(heading);
    this.toolbar.addItem(
      'refresh',
      new ToolbarButton({
        icon: refreshIcon,
        tooltip: 'Refresh the list of apps',
        onClick: () => void this.refresh()
      })
    );
    this.list = new Widget({ node: document.createElement('ul') });
    this.list.addClass('jp-FastPreview-list');
    this.addWidget(this.list);
  }

  /** Fetch the apps now (also after each action, and every few seconds while visible). */
  async refresh(): Promise<void> {
    try {
      this.render(await listApps());
    } catch (error) {
      this.shown = null;
      this.list.node.replaceChildren(note('jp-FastPreview-error', `Cannot list apps: ${error}`));
    }
  }

  protected onAfterAttach(msg: Message): void {
    super.onAfterAttach(msg);
    if (this.isVisible) {
      this.poll();
    }
  }

  protected onAfterShow(msg: Message): void {
    super.onAfterShow(msg);
    this.poll();
  }

  protected onAfterHide(msg: Message): void {
    window.clearInterval(this.timer);
    super.onAfterHide(msg);
  }

  protected onBeforeDetach(msg: Message): void {
    window.clearInterval(this.timer);
    super.onBeforeDetach(msg);
  }

  /** Refresh now and every few seconds, while the panel is visible. */
  private poll(): void {
    window.clearInterval(this.timer);
    void this.refresh();
    this.timer = window.setInterval(() => void this.refresh(), REFRESH_MS);
  }

  /** Re-render only on a change, so a refresh never swaps a button out under the pointer. */
  private render(apps: IAppDetails[]): void {
    const shown = JSON.stringify(apps);
    if (shown === this.shown) {
      return;
    }
    this.shown = shown;
    this.list.node.replaceChildren(
      ...(apps.length ? apps.map(app => this.row(app)) : [emptyState()])
    );
  }

  private row(app: IAppDetails): HTMLElement {
    const row = document.createElement('li');
    row.className = 'jp-FastPreview-app';
    row.dataset.app = app.id;
    row.title = app.folder;
    const name = element('div', 'jp-FastPreview-appName');
    const dot = element('span', 'jp-FastPreview-dot');
    dot.dataset.status = app.status;
    name.append(dot, element('span', 'jp-FastPreview-name', app.name));
    name.append(element('span', 'jp-FastPreview-appStatus', app.status));
    row.append(name);
    if (app.status === 'error' && app.last_error) {
      row.append(element('div', 'jp-FastPreview-error', describeError(app.last_error)));
    }
    row.append(
      field('Last build', build(app.last_build)),
      field('Deployment', deployment(app.latest_deployment)),
      field('Git sync', sync(app.latest_sync)),
      this.buttons(app)
    );
    return row;
  }

  private buttons(app: IAppDetails): HTMLElement {
    const bar = element('div', 'jp-FastPreview-buttons');
    const live = app.latest_deployment?.status === 'live';
    bar.append(
      button('Open preview', () => this.actions.open(app)),
      button('Deploy', () => this.actions.deploy(app)),
      button('Open deployment', () => this.actions.openDeployment(app), live)
    );
    return bar;
  }

  private readonly list: Widget;
  private shown: string | null = null;
  private timer = 0;
}

function element<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  className: string,
  text = ''
): HTMLElementTagNameMap[K] {
  const created = document.createElement(tag);
  created.className = className;
  created.textContent = text;
  return created;
}

function note(className: string, text: string): HTMLElement {
  return element('li', className, text);
}

/** How apps come to be, for a panel with none yet. */
function emptyState(): HTMLElement {
  const empty = note('jp-FastPreview-empty', 'No apps yet. Create one in a notebook:');
  empty.append(
    element('code', '', 'from jupyter_fastpreview import App\nApp("hello").preview()'),
    'or right-click a folder holding an app in the file browser and pick ',
    element('em', '', 'Fast Preview \u203a Open Preview'),
    '.'
  );
  return empty;
}

function field(label: string, value: string | Node): HTMLElement {
  const line = element('div', 'jp-FastPreview-field');
  line.append(element('span', 'jp-FastPreview-label', `${label}: `), value);
  return line;
}

/** "src/App.tsx:3: Expected ";"", the first line of the message. */
function describeError({ message, file, line }: IAppError): string {
  const text = String(message ?? 'unknown error').split('\n')[0];
  if (typeof file !== 'string' || !file) {
    return text;
  }
  return typeof line === 'number' ? `${file}:${line}: ${text}` : `${file}: ${text}`;
}

function when(seconds: number): string {
  return new Date(seconds * 1000).toLocaleTimeString();
}

function build(last: IBuild | null): string {
  if (!last) {
    return 'none yet';
  }
  return `${last.kind}, ${last.ok ? 'ok' : 'failed'}, ${last.ms.toFixed(0)} ms at ${when(last.created_at)}`;
}

function deployment(latest: IDeployment | null): string | Node {
  if (!latest) {
    return 'none yet';
  }
  if (latest.status === 'failed') {
    return latest.error ? `failed: ${latest.error.split('\n')[0]}` : 'failed';
  }
  if (latest.status !== 'live' || !latest.url) {
    return `${latest.status}\u2026`;
  }
  const link = element('a', 'jp-FastPreview-deployment');
  link.href = resolveUrl(latest.url);
  link.textContent = link.href;
  link.target = '_blank';
  link.rel = 'noopener noreferrer';
  link.title = `Deployed at ${when(latest.created_at)}`;
  return link;
}

function sync(latest: ISyncJob | null): string {
  if (!latest) {
    return 'not synced';
  }
  const commit = latest.commit_sha ? ` ${latest.commit_sha.slice(0, 7)}` : '';
  const error = latest.status === 'failed' && latest.last_error ? `: ${latest.last_error}` : '';
  return `${latest.status}${commit}${error}`;
}

function button(label: string, onClick: () => void, enabled = true): HTMLButtonElement {
  const created = element('button', 'jp-FastPreview-button', label);
  created.type = 'button';
  created.disabled = !enabled;
  created.addEventListener('click', onClick);
  return created;
}
