/*
 * The YAML side of the editor (and the read-only rendered config): CodeMirror with YAML
 * highlighting and lint markers at the line:col of validatePipeline's issues. The editor does
 * not lint by itself: the issues come from the page's debounced validation of the same text,
 * so the markers, the graph and the issue list always agree.
 */
import { yaml } from '@codemirror/lang-yaml';
import { lintGutter, setDiagnostics, type Diagnostic } from '@codemirror/lint';
import CodeMirror, { EditorView, type Text } from '@uiw/react-codemirror';
import { useEffect, useMemo, useRef } from 'react';
import type { PipelineIssue } from '@butler-portal/plugin-pipeline-common';

/** The CodeMirror diagnostic of an issue: from its line:col to the end of the token there. */
export function toDiagnostic(doc: Text, issue: PipelineIssue): Diagnostic | undefined {
  if (!issue.line || issue.line < 1) return undefined;
  const line = doc.line(Math.min(issue.line, doc.lines));
  const from = Math.min(line.to, line.from + Math.max(0, (issue.column ?? 1) - 1));
  const rest = doc.sliceString(from, line.to);
  const token = rest.match(/^[^\s:,\]}]+/)?.[0].length ?? 0;
  return {
    from,
    to: Math.min(line.to, from + Math.max(token, 1)),
    severity: issue.severity,
    message: issue.message,
    source: issue.rule,
  };
}

export interface YamlEditorProps {
  value: string;
  onChange?: (text: string) => void;
  readOnly?: boolean;
  /** issues of `issuesFor` (markers are only placed when it is the editor's text) */
  issues?: readonly PipelineIssue[];
  issuesFor?: string;
  height?: string;
  ariaLabel?: string;
}

export function YamlEditor(props: YamlEditorProps) {
  const view = useRef<EditorView>();
  const extensions = useMemo(
    () => [yaml(), lintGutter(), EditorView.lineWrapping],
    [],
  );
  const { issues, issuesFor, value } = props;

  useEffect(() => {
    const v = view.current;
    if (!v || !issues) return;
    // markers of an older text would point at the wrong places; wait for the new result
    if (issuesFor !== undefined && v.state.doc.toString() !== issuesFor) return;
    const diagnostics = issues
      .map(i => toDiagnostic(v.state.doc, i))
      .filter((d): d is Diagnostic => !!d);
    v.dispatch(setDiagnostics(v.state, diagnostics));
  }, [issues, issuesFor, value]);

  return (
    <div aria-label={props.ariaLabel ?? 'YAML editor'} role="region" data-testid="yaml-editor">
      <CodeMirror
        value={value}
        height={props.height ?? '520px'}
        readOnly={props.readOnly}
        editable={!props.readOnly}
        extensions={extensions}
        onChange={props.onChange}
        onCreateEditor={v => {
          view.current = v;
        }}
        basicSetup={{ foldGutter: true, highlightActiveLine: !props.readOnly }}
      />
    </div>
  );
}
