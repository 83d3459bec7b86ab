import {
  ILabShell,
  JupyterFrontEnd,
  JupyterFrontEndPlugin
} from '@jupyterlab/application';
import { ICommandPalette, MainAreaWidget, Notification } from '@jupyterlab/apputils';
import { IDefaultFileBrowser } from '@jupyterlab/filebrowser';
import { IStatusBar } from '@jupyterlab/statusbar';

import { deploy, IApp, listApps, registerApp } from './api';
import { AppsPanel } from './panel';
import { PreviewFrame, previewTab } from './preview';
import { HmrStatus } from './statusbar';

namespace CommandIDs {
  export const showPanel = 'fastpreview:show-panel';
  export const openPreview = 'fastpreview:open-preview';
  export const deploy = 'fastpreview:deploy';
  export const openDeployment = 'fastpreview:open-deployment';
  export const toggleEdit = 'fastpreview:toggle-edit';
  export const previewFolder = 'fastpreview:preview-folder';
}

const CATEGORY = 'Fast Preview';

/**
 * Previews as first-class JupyterLab citizens: a side panel of apps, preview tabs beside the
 * editor, deploys, the visual editor toggle, and the HMR state of the active preview.
 */
const plugin: JupyterFrontEndPlugin<void> = {
  id: 'jupyter-fastpreview:plugin',
  description: 'Live preview of React + TypeScript apps in notebooks.',
  autoStart: true,
  requires: [ILabShell],
  optional: [ICommandPalette, IStatusBar, IDefaultFileBrowser],
  activate: (
    app: JupyterFrontEnd,
    shell: ILabShell,
    palette: ICommandPalette | null,
    statusBar: IStatusBar | null,
    fileBrowser: IDefaultFileBrowser | null
  ) => {
    const tabs = new Map<string, MainAreaWidget<PreviewFrame>>();
    const panel = new AppsPanel({
      open: target => void app.commands.execute(CommandIDs.openPreview, { id: target.id }),
      deploy: target => void app.commands.execute(CommandIDs.deploy, { id: target.id })
    });
    shell.add(panel, 'right', { rank: 900 });

    const activePreview = (): PreviewFrame | null => {
      const current = shell.currentWidget;
      return current instanceof MainAreaWidget && current.content instanceof PreviewFrame
        ? current.content
        : null;
    };
    const appFor = async (args: { id?: unknown }): Promise<IApp | undefined> => {
      const id = typeof args.id === 'string' ? args.id : activePreview()?.app.id;
      return (await listApps()).find(candidate => candidate.id === id);
    };
    const openPreview = (target: IApp): void => {
      let tab = tabs.get(target.id);
      if (!tab || tab.isDisposed) {
        tab = previewTab(target);
        tabs.set(target.id, tab);
        shell.add(tab, 'main', { mode: 'split-right' });
      }
      shell.activateById(tab.id);
    };

    app.commands.addCommand(CommandIDs.showPanel, {
      label: 'Show the Fast Preview Panel',
      execute: () => {
        shell.activateById(panel.id);
        void panel.refresh();
      }
    });
    app.commands.addCommand(CommandIDs.openPreview, {
      label: 'Open App Preview',
      execute: async args => {
        const target = await appFor(args);
        if (target) {
          openPreview(target);
        }
      }
    });
    app.commands.addCommand(CommandIDs.deploy, {
      label: 'Deploy App',
      execute: async args => {
        const target = await appFor(args);
        if (!target) {
          return;
        }
        const deployed = deploy(target.id).then(result => {
          void panel.refresh();
          if (result.status !== 'live' || !result.url) {
            throw new Error(result.error ?? 'the deploy failed');
          }
          return new URL(result.url, window.location.href).href;
        });
        Notification.promise(deployed, {
          pending: { message: `Deploying ${target.name}…`, options: { autoClose: false } },
          success: { message: url => `${target.name} is live at ${url}` },
          error: { message: error => `Deploy of ${target.name} failed: ${error}` }
        });
        await deployed;
      }
    });
    app.commands.addCommand(CommandIDs.openDeployment, {
      label: 'Open the Latest Deployment',
      execute: async args => {
        const url = (await appFor(args))?.latest_deployment?.url;
        if (url) {
          window.open(new URL(url, window.location.href).href, '_blank', 'noopener');
        }
      }
    });
    app.commands.addCommand(CommandIDs.toggleEdit, {
      label: 'Toggle Visual Edit Mode',
      isToggled: () => activePreview()?.editing ?? false,
      isEnabled: () => activePreview() !== null,
      execute: () => {
        const frame = activePreview();
        if (frame) {
          frame.editing = !frame.editing;
        }
      }
    });
    app.commands.addCommand(CommandIDs.previewFolder, {
      label: 'Open as Fast Preview App',
      isVisible: () => selectedFolder(fileBrowser) !== null,
      execute: async () => {
        const path = selectedFolder(fileBrowser);
        if (path !== null) {
          openPreview(await registerApp(path));
          void panel.refresh();
        }
      }
    });
    app.contextMenu.addItem({
      command: CommandIDs.previewFolder,
      selector: '.jp-DirListing-item[data-isdir="true"]',
      rank: 20
    });
    for (const command of Object.values(CommandIDs)) {
      palette?.addItem({ command, category: CATEGORY });
    }

    if (statusBar) {
      const status = new HmrStatus();
      statusBar.registerStatusItem('jupyter-fastpreview:hmr-status', {
        item: status,
        align: 'left',
        isActive: () => activePreview() !== null,
        activeStateChanged: status.activeChanged
      });
      shell.currentChanged.connect(() => {
        status.follow(activePreview());
        status.activeChanged.emit();
      });
    }
  }
};

/** The folder selected in the file browser (a right click selects what it is on). */
function selectedFolder(browser: IDefaultFileBrowser | null): string | null {
  const item = browser?.selectedItems().next();
  return item && !item.done && item.value.type === 'directory' ? item.value.path : null;
}

export default plugin;
