import { Fragment } from 'react';
import { Link } from 'react-router';

export interface Crumb {
  to: string;
  label: string;
}

/** Clusters / <cluster>, the cluster link opening `tab`. */
export function clusterTrail(cluster: string, tab: string): Crumb[] {
  return [
    { to: '/clusters', label: 'Clusters' },
    { to: `/clusters/${encodeURIComponent(cluster)}?tab=${tab}`, label: cluster },
  ];
}

/** The links above a page title ("Clusters / default"), for PageHeader's eyebrow. */
export function Breadcrumbs({ trail }: { trail: Crumb[] }) {
  return trail.map((c, i) => (
    <Fragment key={c.to}>
      {i > 0 && ' / '}
      <Link to={c.to} className="hover:underline">
        {c.label}
      </Link>
    </Fragment>
  ));
}
