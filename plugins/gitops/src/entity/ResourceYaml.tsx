/*
 * The resource file as it stands in Git: read-only, YAML-highlighted.
 */
import { yaml } from '@codemirror/lang-yaml';
import CodeMirror, { EditorView } from '@uiw/react-codemirror';
import { useTheme } from '@material-ui/core/styles';

const extensions = [yaml(), EditorView.lineWrapping];

export function ResourceYaml({ text }: { text: string }) {
  const theme = useTheme();
  return (
    <div data-testid="resource-yaml">
      <CodeMirror
        value={text}
        readOnly
        editable={false}
        extensions={extensions}
        theme={theme.palette.type === 'dark' ? 'dark' : 'light'}
        basicSetup={{ foldGutter: true, highlightActiveLine: false }}
      />
    </div>
  );
}
