import { makeStyles } from '@material-ui/core';

const useStyles = makeStyles({
  text: { fontSize: 22, fontWeight: 700, color: '#7df3e1' },
});

/** The mark in the collapsed sidebar. */
export const LogoIcon = () => {
  const classes = useStyles();
  return <span className={classes.text}>BP</span>;
};
