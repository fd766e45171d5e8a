export { Button } from './Button';
export { ConfirmDialog } from './ConfirmDialog';
export { Field, SelectField } from './Field';
export { Badge, Empty, ErrorNotice, Loading, Notice } from './Notice';
export { PageHeader } from './PageHeader';
export { formatBytes, formatDateTime, formatRelative } from './format';
