import { ILabShell, JupyterFrontEnd } from '@jupyterlab/application';
import { ICommandPalette, InputDialog, Notification, WidgetTracker } from '@jupyterlab/apputils';
import { IDefaultFileBrowser } from '@jupyterlab/filebrowser';
import { ILauncher } from '@jupyterlab/launcher';
import { ReadonlyPartialJSONObject } from '@lumino/coreutils';
import { Menu } from '@lumino/widgets';

import {
  createApp,
  deploy,
  getApp,
  IApp,
  listApps,
  listDeployments,
  registerApp,
  resolveUrl,
  Template
} from './api';
import { fastPreviewIcon } from './icons';
import { AppsPanel } from './panel';
import { PreviewTab } from './preview';

export namespace CommandIDs {
  export const showPanel = 'fastpreview:show-panel';
  export const openPreview = 'fastpreview:open-preview';
  export const toggleEdit = 'fastpreview:toggle-edit';
  export const deploy = 'fastpreview:deploy';
  export const openDeployment = 'fastpreview:open-deployment';
  export const newApp = 'fastpreview:new-app';
}

/**
 * Which app a command acts on: `{id}` (an app's id), `{path}` (a folder, registered on the
 * way), `{fromFileBrowser: true}` (the folder selected in the file browser, likewise); with
 * none of them, the active preview's app, else one the user picks.
 */
type Args = ReadonlyPartialJSONObject;

export interface ICommandsOptions {
  app: JupyterFrontEnd;
  shell: ILabShell;
  panel: AppsPanel;
  tracker: WidgetTracker<PreviewTab>;
  palette: ICommandPalette | null;
  fileBrowser: IDefaultFileBrowser | null;
  launcher: ILauncher | null;
}

const CATEGORY = 'Fast Preview';
const FOLDER_SELECTOR = '.jp-DirListing-item[data-isdir="true"]';
const OPEN = 'noopener,noreferrer';

export function addCommands(options: ICommandsOptions): void {
  const { app, shell, panel, tracker, palette, fileBrowser, launcher } = options;
  const { commands } = app;

  const activeTab = (): PreviewTab | null =>
    shell.currentWidget instanceof PreviewTab ? shell.currentWidget : null;

  const folderOf = (args: Args): string | null => {
    if (typeof args.path === 'string') {
      return args.path;
    }
    // A right click selects the item it is on.
    const item = args.fromFileBrowser === true ? fileBrowser?.selectedItems().next() : undefined;
    return item && !item.done && item.value.type === 'directory' ? item.value.path : null;
  };

  /** The open tab of the app `args` point at, if there is one. */
  const tabFor = (args: Args): PreviewTab | null => {
    const folder = folderOf(args);
    if (typeof args.id === 'string' || folder !== null) {
      const found = tracker.find(tab => {
        const shown = tab.content.app;
        return shown.id === args.id || shown.folder === folder;
      });
      return found ?? null;
    }
    return activeTab();
  };

  const appFor = async (args: Args): Promise<IApp | null> => {
    if (typeof args.id === 'string') {
      return getApp(args.id);
    }
    const folder = folderOf(args);
    if (folder !== null) {
      const registered = await registerApp(folder);
      void panel.refresh();
      return registered;
    }
    return activeTab()?.content.app ?? pickApp();
  };

  /** The app's preview tab, opened beside the current editor (or the other previews). */
  const open = (target: IApp): PreviewTab => {
    let tab = tracker.find(candidate => candidate.content.app.id === target.id);
    if (!tab) {
      const sibling = tracker.currentWidget;
      tab = new PreviewTab(target, () => {
        void commands.execute(CommandIDs.deploy, { id: target.id });
      });
      tab.content.editingChanged.connect(() =>
        commands.notifyCommandChanged(CommandIDs.toggleEdit)
      );
      shell.add(
        tab,
        'main',
        sibling ? { mode: 'tab-after', ref: sibling.id } : { mode: 'split-right' }
      );
      void tracker.add(tab);
    }
    shell.activateById(tab.id);
    return tab;
  };

  commands.addCommand(CommandIDs.showPanel, {
    label: 'Show Fast Preview Apps',
    caption: 'The side panel listing the apps, their builds, deployments and git sync',
    icon: fastPreviewIcon,
    execute: () => {
      shell.activateById(panel.id);
      return panel.refresh();
    }
  });
  commands.addCommand(CommandIDs.openPreview, {
    label: args => (args.fromFileBrowser ? 'Open Preview' : 'Open App Preview'),
    caption: 'Open the live preview in a tab beside the editor',
    icon: fastPreviewIcon,
    execute: reported('Opening the preview', async args => {
      const target = await appFor(args);
      if (target) {
        open(target);
      }
    })
  });
  commands.addCommand(CommandIDs.toggleEdit, {
    label: 'Toggle Visual Edit Mode',
    caption: 'Switch the preview tab between the app and the visual editor of its page',
    isToggled: args => tabFor(args)?.content.editing ?? false,
    execute: reported('Toggling the visual edit mode', async args => {
      const existing = tabFor(args);
      const target = existing ? null : await appFor(args);
      const tab = existing ?? (target && open(target));
      if (tab) {
        shell.activateById(tab.id);
        tab.content.editing = !tab.content.editing;
      }
    })
  });
  commands.addCommand(CommandIDs.deploy, {
    label: args => (args.fromFileBrowser ? 'Deploy' : 'Deploy App'),
    caption: 'Build the app for production and publish it at a new URL',
    execute: reported('Deploy', async args => {
      const target = await appFor(args);
      if (target) {
        await deployWithProgress(target, panel);
      }
    })
  });
  commands.addCommand(CommandIDs.openDeployment, {
    label: 'Open the Latest Deployment',
    caption: 'Open the newest live deployment in a new browser tab',
    execute: reported('Opening the deployment', async args => {
      const target = await appFor(args);
      if (!target) {
        return;
      }
      const live = (await listDeployments(target.id)).find(d => d.status === 'live' && d.url);
      if (live?.url) {
        window.open(resolveUrl(live.url), '_blank', OPEN);
      } else {
        Notification.info(`${target.name} has no live deployment yet: deploy it first.`, {
          autoClose: 5000
        });
      }
    })
  });

  commands.addCommand(CommandIDs.newApp, {
    label: args => {
      const page = args.template === 'puck';
      if (args.isLauncher) {
        return page ? 'Visual Page' : 'React App';
      }
      return page ? 'New Fast Preview Visual Page' : 'New Fast Preview App';
    },
    caption: args =>
      args.template === 'puck'
        ? 'A new app whose page is made in the visual editor, opened beside its preview'
        : 'A new React + TypeScript app, its src/App.tsx opened beside its live preview',
    icon: fastPreviewIcon,
    execute: reported('Creating the app', async args => {
      const template: Template = args.template === 'puck' ? 'puck' : 'react-ts';
      // The launcher says where it was opened; elsewhere, the file browser's folder.
      const cwd = typeof args.cwd === 'string' ? args.cwd : (fileBrowser?.model.path ?? '');
      const answer = await InputDialog.getText({
        title: template === 'puck' ? 'New visual page' : 'New React app',
        label: `Folder name${cwd ? ` (in ${cwd})` : ''}`,
        text: template === 'puck' ? 'my-page' : 'my-app'
      });
      const name = answer.value?.trim();
      if (!answer.button.accept || !name) {
        return null;
      }
      const created = await createApp(cwd ? `${cwd}/${name}` : name, template);
      void panel.refresh();
      await commands.execute('docmanager:open', { path: `${created.folder}/src/App.tsx` });
      const tab = open(created);
      tab.content.editing = template === 'puck';
      return tab; // a widget: the launcher that asked closes, as it does for a new notebook
    })
  });

  const onFolders = [
    CommandIDs.openPreview,
    CommandIDs.toggleEdit,
    CommandIDs.deploy,
    CommandIDs.openDeployment
  ];
  const submenu = new Menu({ commands });
  submenu.title.label = 'Fast Preview';
  submenu.title.icon = fastPreviewIcon;
  for (const command of onFolders) {
    submenu.addItem({ command, args: { fromFileBrowser: true } });
  }
  app.contextMenu.addItem({ type: 'submenu', submenu, selector: FOLDER_SELECTOR, rank: 20 });

  for (const command of [CommandIDs.showPanel, ...onFolders]) {
    palette?.addItem({ command, category: CATEGORY });
  }
  for (const template of ['react-ts', 'puck']) {
    palette?.addItem({ command: CommandIDs.newApp, args: { template }, category: CATEGORY });
    launcher?.add({
      command: CommandIDs.newApp,
      args: { template, isLauncher: true },
      category: CATEGORY,
      rank: template === 'puck' ? 2 : 1
    });
  }
}

/** A command's body, its failure told to the user instead of only to the console. */
function reported<T>(
  what: string,
  run: (args: Args) => Promise<T>
): (args: Args) => Promise<T | undefined> {
  return async args => {
    try {
      return await run(args);
    } catch (error) {
      Notification.error(`${what} failed: ${messageOf(error)}`, { autoClose: 8000 });
      return undefined;
    }
  };
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** One of the apps, asked of the user when there are several. */
async function pickApp(): Promise<IApp | null> {
  const apps = await listApps();
  if (apps.length === 0) {
    Notification.info('No Fast Preview apps yet: create one in a notebook, or from a folder.', {
      autoClose: 5000
    });
    return null;
  }
  if (apps.length === 1) {
    return apps[0];
  }
  const choice = await InputDialog.getItem({
    title: 'Fast Preview: which app?',
    items: apps.map(candidate => candidate.folder)
  });
  return (choice.button.accept && apps.find(a => a.folder === choice.value)) || null;
}

/** Deploy, with a notification that shows the progress and, at the end, the URL. */
async function deployWithProgress(target: IApp, panel: AppsPanel): Promise<void> {
  const id = Notification.emit(`Deploying ${target.name}\u2026`, 'in-progress', {
    autoClose: false
  });
  try {
    const done = await deploy(target.id, state => {
      Notification.update({
        id,
        message: `Deploying ${target.name}: ${state.phase} ${Math.round(state.percent)}%`,
        type: 'in-progress',
        autoClose: false
      });
    });
    if (done.status === 'live' && done.url) {
      const url = resolveUrl(done.url);
      Notification.update({
        id,
        message: `${target.name} is live at ${url}`,
        type: 'success',
        autoClose: 10_000,
        actions: [{ label: 'Open', callback: () => window.open(url, '_blank', OPEN) }]
      });
    } else {
      const reason = done.error ?? 'no reason given';
      Notification.update({
        id,
        message: `Deploy of ${target.name} failed: ${reason}`,
        type: 'error',
        autoClose: false
      });
    }
  } catch (error) {
    Notification.update({
      id,
      message: `Deploy of ${target.name} failed: ${messageOf(error)}`,
      type: 'error',
      autoClose: false
    });
  } finally {
    void panel.refresh();
  }
}
