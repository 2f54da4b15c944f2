/*
 * A link to a change request wherever it is reviewed: at GitHub/GitLab when it has a URL, else
 * on the portal's Changes page (the local provider, where the portal is the review UI).
 */
import { Link } from '@backstage/core-components';
import { useRouteRef } from '@backstage/frontend-plugin-api';
import type { ReactNode } from 'react';
import { changePathParam, changeRouteRef } from '../routes';

/** The change request's link, as a function; undefined when neither place is available. */
export function useChangeHref(): (change: {
  id: string;
  url?: string;
}) => string | undefined {
  const changeRoute = useRouteRef(changeRouteRef);
  return change =>
    change.url ??
    (changeRoute ? changeRoute(changePathParam(change.id)) : undefined);
}

/** `#12` (or `children`) linking to the change request; plain text when there is no link. */
export function ChangeLink(props: {
  change: { id: string; number: number; url?: string };
  children?: ReactNode;
}) {
  const href = useChangeHref()(props.change);
  const text = props.children ?? `#${props.change.number}`;
  return href ? <Link to={href}>{text}</Link> : <>{text}</>;
}
