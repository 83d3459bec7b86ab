import { Message } from '@lumino/messaging';
import { Widget } from '@lumino/widgets';

import { absolute, IApp, listApps } from './api';

/** What a row's buttons do; the plugin wires them to its commands. */
export interface IPanelActions {
  open(app: IApp): void;
  deploy(app: IApp): void;
}

const REFRESH_MS = 2000;

/** The "Fast Preview" side panel: every app with its status, build, deployment and sync. */
export class AppsPanel extends Widget {
  constructor(private readonly actions: IPanelActions) {
    super();
    this.id = 'jp-FastPreview-panel';
    this.title.caption = 'Fast Preview';
    this.title.label = 'Fast Preview';
    this.addClass('jp-FastPreview-panel');
    this.list = document.createElement('ul');
    this.node.append(heading(), this.list);
  }

  /** Fetch the apps now (also after each action, and every few seconds while visible). */
  async refresh(): Promise<void> {
    try {
      this.render(await listApps());
    } catch (error) {
      this.list.replaceChildren(item('jp-FastPreview-empty', `Cannot list apps: ${error}`));
    }
  }

  protected onAfterAttach(msg: Message): void {
    super.onAfterAttach(msg);
    this.timer = window.setInterval(() => {
      if (this.isVisible) {
        void this.refresh();
      }
    }, REFRESH_MS);
  }

  protected onBeforeDetach(msg: Message): void {
    window.clearInterval(this.timer);
    super.onBeforeDetach(msg);
  }

  private render(apps: IApp[]): void {
    if (apps.length === 0) {
      this.list.replaceChildren(
        item(
          'jp-FastPreview-empty',
          'No apps yet. In a notebook: from jupyter_fastpreview import App; App("hello").preview()'
        )
      );
      return;
    }
    this.list.replaceChildren(...apps.map(app => this.row(app)));
  }

  private row(app: IApp): HTMLElement {
    const row = item('jp-FastPreview-app', '');
    row.dataset.app = app.id;
    const name = document.createElement('div');
    name.className = 'jp-FastPreview-appName';
    const dot = document.createElement('span');
    dot.className = 'jp-FastPreview-dot';
    dot.dataset.status = app.status;
    name.append(dot, `${app.name} · ${app.status}`);
    row.append(name, details(app), buttons(app, this.actions));
    return row;
  }

  private readonly list: HTMLUListElement;
  private timer = 0;
}

function heading(): HTMLElement {
  const title = document.createElement('h2');
  title.className = 'jp-FastPreview-heading';
  title.textContent = 'Fast Preview';
  return title;
}

function item(className: string, text: string): HTMLLIElement {
  const element = document.createElement('li');
  element.className = className;
  element.textContent = text;
  return element;
}

function details(app: IApp): HTMLElement {
  const lines = document.createElement('div');
  lines.className = 'jp-FastPreview-details';
  const build = app.last_build;
  lines.append(
    line(
      build
        ? `last build: ${build.kind} ${build.ok ? 'ok' : 'failed'} in ${build.ms.toFixed(0)} ms`
        : 'not built yet'
    )
  );
  const deployed = app.latest_deployment;
  if (deployed?.url && deployed.status === 'live') {
    const link = document.createElement('a');
    link.className = 'jp-FastPreview-deployment';
    link.href = new URL(deployed.url, window.location.href).href;
    link.target = '_blank';
    link.rel = 'noopener noreferrer';
    link.textContent = 'latest deployment ↗';
    lines.append(link);
  } else if (deployed) {
    lines.append(line(`deployment: ${deployed.status}`));
  }
  const sync = app.latest_sync;
  if (sync) {
    const commit = sync.commit_sha ? ` ${sync.commit_sha.slice(0, 7)}` : '';
    lines.append(line(`git sync: ${sync.status}${commit}`));
  }
  return lines;
}

function line(text: string): HTMLElement {
  const element = document.createElement('div');
  element.textContent = text;
  return element;
}

function buttons(app: IApp, actions: IPanelActions): HTMLElement {
  const bar = document.createElement('div');
  bar.className = 'jp-FastPreview-buttons';
  bar.append(
    button('Open preview', () => actions.open(app)),
    button('Deploy', () => actions.deploy(app)),
    button('Open in a tab', () => window.open(absolute(app.preview_path), '_blank', 'noopener'))
  );
  return bar;
}

function button(label: string, onClick: () => void): HTMLButtonElement {
  const element = document.createElement('button');
  element.className = 'jp-mod-styled jp-FastPreview-button';
  element.textContent = label;
  element.addEventListener('click', onClick);
  return element;
}
